using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>One timed configuration: a generation (Strength null) or an edit.</summary>
public sealed record EditBenchRow(string Kind, double? Strength, int StepsRun, int Passes, double MedianMs, double MinMs, double MaxMs,
    double DenoiseMs, double MedianCpuMs, double CpuRatioToGeneration);

/// <summary>`teefusion bench edits`: edit latency vs generation latency at the same steps.</summary>
public sealed record EditBenchReport(string Benchmark, DateTimeOffset StartedAt, double Seconds, MachineInfo Machine, EditBenchSettings Settings,
    int Width, int Height, IReadOnlyList<EditBenchRow> Rows) : IBenchReport
{
    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var s = Settings;
        var md = new StringBuilder();
        md.AppendLine($"# Edit vs generation latency ({Machine.Device})").AppendLine();
        md.AppendLine(c, $"- Measured {StartedAt:yyyy-MM-dd HH:mm} UTC in {Seconds:F0} s on: {Machine.Cpu} ({Machine.Cores} cores, torch threads {Machine.TorchThreads}), {Machine.Os}, TorchSharp {Machine.TorchSharp}.");
        md.AppendLine(c, $"- Preset {s.Preset} (random weights, seed {s.Seed}), {Width}×{Height}, {s.Steps} steps, sampler {s.Sampler}, one image per call; {s.Warmup} untimed warmup, then {s.Repeats} timed calls, medians quoted.");
        md.AppendLine("- An edit runs `steps − int(steps − steps·strength)` of the steps, and adds a VAE encode of the image (inside `denoise ms`, with the sampler steps). Inpainting adds a blend per step. Mask: the right half.");
        md.AppendLine("- `CPU ms` is the process's CPU time per call (all threads); on a shared machine it follows the work done while wall time swings with the other load, so `CPU × generation` is the ratio to read.");
        md.AppendLine("- **Noise:** CPU numbers from a shared machine are ±30% and more; compare rows of one run.").AppendLine();
        md.AppendLine("| kind | strength | steps run | passes | median ms | min ms | max ms | denoise ms | CPU ms | CPU × generation |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Rows)
            md.AppendLine(c, $"| {r.Kind} | {(r.Strength is { } x ? x.ToString("0.##", c) : "—")} | {r.StepsRun} | {r.Passes} | {r.MedianMs:F1} | {r.MinMs:F1} | {r.MaxMs:F1} | {r.DenoiseMs:F1} | {r.MedianCpuMs:F0} | {r.CpuRatioToGeneration:F2} |");
        return md.ToString();
    }

    public string Save(string jsonPath) => BenchFiles.Save(jsonPath, JsonSerializer.Serialize(this, BenchFiles.Json), ToMarkdown());
}
