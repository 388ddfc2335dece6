using System.Globalization;
using System.Text;
using System.Text.Json;
using TeEFusion.Core.IO;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>One sampler's whole generations, one image per call. Phase times are medians over the repeats, in ms per image.</summary>
/// <param name="Pipeline">"student" (StudentPipeline) or "teacher" (TeacherPipeline).</param>
/// <param name="PassesPerImage">Transformer passes the pipeline reported for the image.</param>
/// <param name="PassesPerStep">Passes per image / steps (Z-Sampling and W2SD do not reflect on the last step, so below 6).</param>
/// <param name="MedianMs">Median wall time of the whole Generate call: ms per image end to end.</param>
/// <param name="MsPerPass">Median denoise ms / passes per image.</param>
/// <param name="RatioToStudent">Median ms per image / the student's; null for the student and when no student ran.</param>
/// <param name="DenoiseRatioToStudent">Median denoise ms / the student's.</param>
/// <param name="PeakRssMib">Peak resident MiB while this sampler ran (weights included); see <see cref="GenerateBenchReport.PeakRssPerPhase"/>.</param>
public sealed record GenerateBenchRow(
    string Sampler,
    string Pipeline,
    int Steps,
    int Width,
    int Height,
    double Guidance,
    int PassesPerImage,
    double PassesPerStep,
    double TokenizeMs,
    double EncodeMs,
    double DenoiseMs,
    double DecodeMs,
    double PngMs,
    double MedianMs,
    double MinMs,
    double MaxMs,
    int Warmup,
    int Repeats,
    double MsPerPass,
    double? RatioToStudent,
    double? DenoiseRatioToStudent,
    double? PeakRssMib);

/// <summary>Loading one pipeline (all components from the folder onto the device).</summary>
/// <param name="RssBeforeMib">Resident MiB just before loading; RssAfterMib just after; PeakMib the peak while loading.</param>
public sealed record GenerateBenchLoad(string Pipeline, double Seconds, double? RssBeforeMib, double? RssAfterMib, double? PeakMib);

/// <summary>Everything a `bench generate` run measured, with the machine, the settings and the model it ran.</summary>
/// <param name="PeakRssPerPhase">True when the peak was reset before each load and each sampler, so each peak covers only that phase;
/// false means every peak is the process's peak so far (including writing the random model).</param>
/// <param name="PeakRssMib">The largest peak of all loads and samplers.</param>
public sealed record GenerateBenchReport(
    string Benchmark,
    DateTimeOffset StartedUtc,
    double TotalSeconds,
    MachineInfo Machine,
    GenerateBenchSettings Settings,
    GenerateBenchModel Model,
    bool PeakRssPerPhase,
    double? PeakRssMib,
    IReadOnlyList<GenerateBenchLoad> Loads,
    IReadOnlyList<GenerateBenchRow> Rows) : IBenchReport
{
    public string ToJson() => JsonSerializer.Serialize(this, BenchFiles.Json);

    public static GenerateBenchReport FromJson(string json) => BenchFiles.Read<GenerateBenchReport>(json);

    /// <summary>Writes the JSON to <paramref name="jsonPath"/> and the markdown next to it (same name, .md).</summary>
    public string Save(string jsonPath) => BenchFiles.Save(jsonPath, ToJson(), ToMarkdown());

    /// <summary>A markdown page: machine, model, how it was timed, the phase table, the memory table and the noise caveat.</summary>
    public string ToMarkdown()
    {
        var s = Settings;
        var first = Rows.Count > 0 ? Rows[0] : null;
        var text = new StringBuilder();
        text.AppendLine($"# End-to-end generation benchmark ({Machine.Device})");
        text.AppendLine();
        text.AppendLine($"- Measured {StartedUtc:yyyy-MM-dd HH:mm} UTC in {TotalSeconds:F0} s on: {Machine}.");
        text.AppendLine($"- Model: {Model.Summary()}");
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- One image per `Generate` call: {first?.Width}×{first?.Height}, {s.Steps} steps, {s.DType}, seed {s.Seed}, " +
                        $"guidance {(s.Guidance is { } g ? g.ToString(CultureInfo.InvariantCulture) : $"pipeline default (the folder's {ModelFolder.DefaultGuidanceKey}, else 5 student, 7 teachers)")}, " +
                        $"prompt \"{s.Prompt}\". Each sampler: {s.Warmup} untimed warmup call(s), then {s.Repeats} timed; medians are quoted " +
                        $"(with 2 repeats the median is their mean), `min`/`max` are the spread of the whole call."));
        text.AppendLine("- Phases are the pipeline's own `GenerationTimings` (tokenize, encode = the three text encoders, denoise = all sampler steps, " +
                        "decode = VAE, png = encoding with metadata); `ms/image` is the wall time of the whole call, each median on its own, " +
                        "so the phases need not add up exactly. `ms/pass` = denoise / passes per image; `× student` = ms/image / the student's, " +
                        "`denoise × student` the same for the denoise phase alone.");
        text.AppendLine(PeakRssPerPhase
            ? "- Memory: resident set (VmRSS/VmHWM of /proc/self/status, MiB). The peak is reset before each load and each sampler, so " +
              "`peak RSS` is that phase's own peak with the loaded weights included; writing the random model is not in any of them."
            : "- Memory: resident set (VmRSS/VmHWM of /proc/self/status, MiB). The peak could not be reset here: every peak is the process's peak so far.");
        if (Machine.Device.StartsWith("cpu", StringComparison.Ordinal))
            text.AppendLine("- **Noise:** CPU numbers from a shared machine are ±30%; compare rows of one run, not numbers across runs. " +
                            "GPU numbers must be measured on a GPU with the CUDA build.");
        text.AppendLine();
        text.AppendLine("| sampler | pipeline | passes/image | passes/step | tokenize ms | encode ms | denoise ms | decode ms | png ms | median ms/image | min ms | max ms | ms/pass | × student | denoise × student | peak RSS MiB |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Rows)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, 
                $"| {r.Sampler} | {r.Pipeline} | {r.PassesPerImage} | {r.PassesPerStep:F2} | {r.TokenizeMs:F1} | {r.EncodeMs:F1} | {r.DenoiseMs:F1} | {r.DecodeMs:F1} | " +
                $"{r.PngMs:F1} | {r.MedianMs:F1} | {r.MinMs:F1} | {r.MaxMs:F1} | {r.MsPerPass:F1} | {Ratio(r, r.RatioToStudent)} | {Ratio(r, r.DenoiseRatioToStudent)} | {Mib(r.PeakRssMib)} |"));
        text.AppendLine();
        text.AppendLine("| pipeline | load s | RSS before load MiB | RSS after load MiB | peak while loading MiB |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var l in Loads)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {l.Pipeline} | {l.Seconds:F1} | {Mib(l.RssBeforeMib)} | {Mib(l.RssAfterMib)} | {Mib(l.PeakMib)} |"));
        text.AppendLine();
        text.AppendLine($"Peak RSS of the run: {Mib(PeakRssMib)} MiB.");
        return text.ToString();
    }

    private static string Ratio(GenerateBenchRow row, double? ratio) =>
        ratio is { } value ? value.ToString("F2", CultureInfo.InvariantCulture) : row.Pipeline == GenerateBench.StudentPipelineName ? "1" : "–";

    private static string Mib(double? value) => value is { } mib ? mib.ToString("F0", CultureInfo.InvariantCulture) : "n/a";
}
