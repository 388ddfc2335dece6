using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>One timed sampler at one dtype and batch size. Times are per sampler step over the whole batch.</summary>
/// <param name="PassesPerSample">Model passes the sampler reported for each sample of one step.</param>
/// <param name="PassesPerStep">Sum over the batch: rows pushed through the model in one step.</param>
/// <param name="MsPerPass">Median ms per step / passes per step.</param>
/// <param name="RatioToStudent">Median ms per step / the student's at the same dtype and batch; null for the student itself.</param>
/// <param name="MedianCpuMs">Median CPU time (all threads) per step: steadier than wall time on a shared machine.</param>
/// <param name="CpuRatioToStudent">Median CPU ms per step / the student's; null for the student itself.</param>
public sealed record TransformerBenchRow(
    string Sampler,
    [property: System.Text.Json.Serialization.JsonPropertyName("dtype")] string DType,
    int Batch,
    int PassesPerSample,
    int PassesPerStep,
    double MedianMs,
    double MinMs,
    double MaxMs,
    int Warmup,
    int Repeats,
    double MsPerPass,
    double? RatioToStudent,
    double MedianCpuMs,
    double? CpuRatioToStudent,
    long TensorsPerStep,
    double HostMsPerStep);

/// <summary>Everything a benchmark run measured, with the machine and the settings it ran under.</summary>
public sealed record TransformerBenchReport(
    string Benchmark,
    DateTimeOffset StartedUtc,
    double TotalSeconds,
    MachineInfo Machine,
    TransformerBenchSettings Settings,
    IReadOnlyList<TransformerBenchRow> Rows) : IBenchReport
{
    public string ToJson() => JsonSerializer.Serialize(this, BenchFiles.Json);

    public static TransformerBenchReport FromJson(string json) => BenchFiles.Read<TransformerBenchReport>(json);

    /// <summary>A markdown page: machine, model, how it was timed, the table, and the noise caveat.</summary>
    public string ToMarkdown()
    {
        var s = Settings;
        var text = new StringBuilder();
        text.AppendLine($"# MMDiT sampler step benchmark ({Machine.Device})");
        text.AppendLine();
        text.AppendLine($"- Measured {StartedUtc:yyyy-MM-dd HH:mm} UTC in {TotalSeconds:F0} s on: {Machine}.");
        text.AppendLine($"- Model: random-weight SD3 MMDiT, {s.Layers} layers, {s.Heads} heads × {s.ResolvedHeadDim} = hidden {s.ResolvedHidden}, " +
                        $"patch {s.Patch}, {s.Channels} latent channels, {s.Latent}×{s.Latent} latent ({(s.Latent / s.Patch) * (s.Latent / s.Patch)} image tokens), " +
                        $"{s.Tokens} text tokens × {s.JointAttentionDim}, pooled {s.PooledDim}. The student has txt_align_guidance on; the teachers do not.");
        text.AppendLine($"- Time per sampler `Step` over the whole batch, for a non-final step (Z-Sampling/W2SD: a reflected step), " +
                        $"{s.StepsPerSample} step(s) per timed sample from a {s.ScheduleSteps}-step schedule (shift {s.Shift}), under no_grad, " +
                        $"each timed call in its own dispose scope. g = {s.Guidance}; W2SD guidance gap {s.W2sdStrong}/{s.W2sdWeak}.");
        text.AppendLine("- Median of the repeats after the warmup (columns `warmup`, `repeats`; with 2 repeats the median is their mean); min and max show the spread. " +
                        "Z-Sampling and W2SD get fewer repeats (each costs ≈6 passes per sample) and no warmup by default: they run the same teacher " +
                        "at the same batch shape that Euler+CFG has just warmed up.");
        text.AppendLine($"- `passes/step` = model rows evaluated per step over the batch (passes per sample × batch); `ms/pass` = median / passes/step; " +
                        "`× student` = median / the student's median at the same dtype and batch (≈2 expected for CFG, ≈6 for the reflective samplers); " +
                        "`cpu ms/step` and `cpu × student` do the same with the process's CPU time (all threads), which other load on the machine disturbs far less than wall time; " +
                        "`tensors/step` = tensors one step creates (each a native operation's result; in-place operations not counted), counted after the timed calls; " +
                        "`host ms/step` = median time until the step's calls returned, before waiting for the device: on a CPU it is the wall time, " +
                        "on a GPU close to the wall time means the device waits for the host (per-op overhead or a synchronisation inside the step).");
        if (Machine.Device.StartsWith("cpu", StringComparison.Ordinal))
            text.AppendLine("- **Noise:** CPU timings on a 2-core machine vary by up to ±30% between runs (more when other work shares the cores; " +
                            "the CPU-time columns are the steadier ones then). These are CPU numbers only: GPU numbers must be measured on a GPU with the CUDA build.");
        text.AppendLine();
        text.AppendLine("| sampler | dtype | batch | passes/sample | passes/step | median ms/step | min ms | max ms | warmup | repeats | ms/pass | × student | cpu ms/step | cpu × student | tensors/step | host ms/step |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Rows)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Sampler} | {r.DType} | {r.Batch} | {r.PassesPerSample} | {r.PassesPerStep} | {r.MedianMs:F1} | {r.MinMs:F1} | {r.MaxMs:F1} | {r.Warmup} | {r.Repeats} | {r.MsPerPass:F1} | {Ratio(r.RatioToStudent)} | {r.MedianCpuMs:F1} | {Ratio(r.CpuRatioToStudent)} | {r.TensorsPerStep} | {r.HostMsPerStep:F1} |"));
        return text.ToString();
    }

    private static string Ratio(double? ratio) => ratio is { } r ? r.ToString("F2", CultureInfo.InvariantCulture) : "1";

    /// <summary>Writes the JSON to <paramref name="jsonPath"/> and the markdown next to it (same name, .md).</summary>
    public string Save(string jsonPath) => BenchFiles.Save(jsonPath, ToJson(), ToMarkdown());
}
