using System.Text.Json;
using System.Text.Json.Serialization;

namespace TeEFusion.Core.Tests.Sampling;

/// <summary>Values written by Fixtures/Sampling/make_sampling_fixture.py (numpy/torch, independent of this code).</summary>
internal sealed class SamplingFixture
{
    [JsonPropertyName("schedules")] public required List<ScheduleCase> Schedules { get; init; }
    [JsonPropertyName("noise")] public required NoiseCase Noise { get; init; }
    [JsonPropertyName("euler_bf16")] public required EulerCase EulerBf16 { get; init; }
    [JsonPropertyName("txt_align_guidance_bf16")] public required GuidanceCase TxtAlignGuidanceBf16 { get; init; }

    public static SamplingFixture Instance { get; } = JsonSerializer.Deserialize<SamplingFixture>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Sampling", "sampling_fixture.json")))!;

    internal sealed class ScheduleCase
    {
        [JsonPropertyName("steps")] public int Steps { get; init; }
        [JsonPropertyName("shift")] public double Shift { get; init; }
        [JsonPropertyName("mu")] public double? Mu { get; init; }
        [JsonPropertyName("time_shift_type")] public required string TimeShiftType { get; init; }
        [JsonPropertyName("shift_terminal")] public double? ShiftTerminal { get; init; }
        [JsonPropertyName("sigmas")] public required float[] Sigmas { get; init; }
        [JsonPropertyName("timesteps")] public required float[] Timesteps { get; init; }

        public override string ToString() => $"N={Steps} shift={Shift} mu={Mu} {TimeShiftType} terminal={ShiftTerminal}";
    }

    internal sealed class NoiseCase
    {
        [JsonPropertyName("shape")] public required long[] Shape { get; init; }
        [JsonPropertyName("seed_0")] public required float[] Seed0 { get; init; }
        [JsonPropertyName("seed_42")] public required float[] Seed42 { get; init; }
    }

    internal sealed class EulerCase
    {
        [JsonPropertyName("x")] public required float[] X { get; init; }
        [JsonPropertyName("v")] public required float[] V { get; init; }
        [JsonPropertyName("sigma")] public required float[] Sigma { get; init; }
        [JsonPropertyName("sigma_next")] public required float[] SigmaNext { get; init; }
        [JsonPropertyName("expected")] public required float[] Expected { get; init; }
    }

    internal sealed class GuidanceCase
    {
        [JsonPropertyName("g")] public required double[] G { get; init; }
        [JsonPropertyName("expected")] public required float[] Expected { get; init; }
    }
}
