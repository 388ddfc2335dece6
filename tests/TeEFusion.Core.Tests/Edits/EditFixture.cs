using System.Text.Json;
using System.Text.Json.Serialization;

namespace TeEFusion.Core.Tests.Edits;

/// <summary>Values written by Fixtures/Edits/make_edit_fixture.py (torch, restating diffusers' code, independent of this code).</summary>
internal sealed class EditFixture
{
    [JsonPropertyName("shape")] public required int[] Shape { get; init; }
    [JsonPropertyName("factor")] public int Factor { get; init; }
    [JsonPropertyName("shift")] public double Shift { get; init; }
    [JsonPropertyName("shift_factor")] public double ShiftFactor { get; init; }
    [JsonPropertyName("scaling_factor")] public double ScalingFactor { get; init; }
    [JsonPropertyName("cases")] public required List<Case> Cases { get; init; }
    [JsonPropertyName("pixels")] public required PixelCase Pixels { get; init; }

    public static EditFixture Instance { get; } = JsonSerializer.Deserialize<EditFixture>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Edits", "edit_fixture.json")))!;

    internal sealed class Case
    {
        [JsonPropertyName("name")] public required string Name { get; init; }
        [JsonPropertyName("steps")] public int Steps { get; init; }
        [JsonPropertyName("strength")] public double Strength { get; init; }
        [JsonPropertyName("seeds")] public required long[] Seeds { get; init; }
        [JsonPropertyName("has_mask")] public bool HasMask { get; init; }
        [JsonPropertyName("moments")] public required float[] Moments { get; init; }
        [JsonPropertyName("repaint")] public required float[] Repaint { get; init; }
        [JsonPropertyName("sigmas")] public required float[] Sigmas { get; init; }
        [JsonPropertyName("t_start")] public int TStart { get; init; }
        [JsonPropertyName("image_latents")] public required float[] ImageLatents { get; init; }
        [JsonPropertyName("noise")] public required float[] Noise { get; init; }
        [JsonPropertyName("initial")] public required float[] Initial { get; init; }
        [JsonPropertyName("latent_mask")] public float[]? LatentMask { get; init; }
        [JsonPropertyName("step_outputs")] public required List<float[]> StepOutputs { get; init; }
        [JsonPropertyName("blended")] public required List<float[]> Blended { get; init; }

        public override string ToString() => Name;
    }

    internal sealed class PixelCase
    {
        [JsonPropertyName("rgb")] public required int[] Rgb { get; init; }
        [JsonPropertyName("pixels")] public required float[] Pixels { get; init; }
    }
}
