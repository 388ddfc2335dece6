using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>One phase's requests: latency percentiles (nearest rank) of the succeeded ones, end to end over HTTP.</summary>
public sealed record DistillLatencyRow(string Phase, int Sent, int Succeeded, int Failed, double Seconds, double? P50Ms, double? P95Ms,
    double? P99Ms, double? MaxMs, string? FirstFailure);

/// <summary>The run as GET /admin/distillations/{id} reported it at the end of the "distilling" phase.</summary>
/// <param name="Iterations">Iterations the run did during the phase.</param>
/// <param name="IterationMs">Its recent average iteration time: about the longest an arriving job waits.</param>
public sealed record DistillLatencyTraining(string State, int Iterations, double IterationMs, double SlowestIterationMs, string? Error);

/// <summary>Everything a `bench distill-latency` run measured, with the machine and the settings.</summary>
public sealed record DistillLatencyBenchReport(
    string Benchmark,
    DateTimeOffset StartedUtc,
    double TotalSeconds,
    MachineInfo Machine,
    DistillLatencyBenchSettings Settings,
    IReadOnlyList<DistillLatencyRow> Rows,
    DistillLatencyTraining Training) : IBenchReport
{
    /// <summary>p95 while distilling − p95 idle: what the run added to the tail.</summary>
    public double? P95IncreaseMs => Rows is [{ P95Ms: { } idle }, { P95Ms: { } busy }] ? busy - idle : null;

    /// <summary>Whether the run's p95 increase stayed within the configured bound; null when there is no bound or no numbers.</summary>
    public bool? WithinBound => Settings.BoundMilliseconds > 0 && P95IncreaseMs is { } increase ? increase <= Settings.BoundMilliseconds : null;

    public string ToJson() => JsonSerializer.Serialize(this, BenchFiles.Json);

    public static DistillLatencyBenchReport FromJson(string json) => BenchFiles.Read<DistillLatencyBenchReport>(json);

    public string Save(string jsonPath) => BenchFiles.Save(jsonPath, ToJson(), ToMarkdown());

    public string ToMarkdown()
    {
        var s = Settings;
        var t = Training;
        var text = new StringBuilder();
        void Line(params FormattableString[] parts) => text.AppendLine(string.Concat(parts.Select(p => p.ToString(CultureInfo.InvariantCulture))));
        Line($"# Inference latency during distillation ({Machine.Device})");
        text.AppendLine();
        Line($"- Measured {StartedUtc:yyyy-MM-dd HH:mm} UTC in {TotalSeconds:F0} s on: {Machine}.");
        Line($"- The real service (`{s.ServiceDll}`) runs as a child process on 127.0.0.1 with `Distillation:MaxInferenceWaitMilliseconds {s.BoundMilliseconds}`.");
        Line($"- Requests: preset {s.Preset} (random weights), {s.Width}×{s.Height}, {s.Steps} steps, guidance {s.Guidance}; one client, {s.Requests} synchronous ",
             $"`POST /v1/images/generations` per phase, each after a seeded pause uniform in [0, {2 * s.GapMilliseconds}] ms; {s.Warmup} untimed warmup request(s) first.");
        Line($"- Distilling: a run (teacher {s.DistillSampler}, {s.DistillSteps} steps, batch {s.DistillBatch}, no checkpoints) is started and has done an iteration ",
             $"before the phase begins; it is canceled after it.");
        if (Machine.Device.StartsWith("cpu", StringComparison.Ordinal))
            text.AppendLine("- **Noise:** CPU numbers from a shared machine are ±30%; compare the rows of one run, not numbers across runs.");
        text.AppendLine();
        text.AppendLine("| phase | requests ok | failed | seconds | p50 ms | p95 ms | p99 ms | max ms |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Rows)
            Line($"| {r.Phase} | {r.Succeeded} | {r.Failed} | {r.Seconds:F1} | {r.P50Ms:F0} | {r.P95Ms:F0} | {r.P99Ms:F0} | {r.MaxMs:F0} |");
        foreach (var r in Rows.Where(r => r.FirstFailure is not null)) Line($"- {r.Phase} first failure: {r.FirstFailure}");
        text.AppendLine();
        Line($"Training during the phase: {t.Iterations} iterations, {t.IterationMs:F0} ms average, slowest {t.SlowestIterationMs:F0} ms; run {t.State}",
             $"{(t.Error is null ? "" : $" ({t.Error})")}.");
        text.AppendLine();
        var increase = P95IncreaseMs is { } ms ? ms.ToString("F0", CultureInfo.InvariantCulture) : "n/a";
        var verdict = WithinBound is { } within ? within ? "within" : "**over**" : "not measured against";
        Line($"p95 while distilling − p95 idle = **{increase} ms**, {verdict} the configured bound of {s.BoundMilliseconds} ms.");
        return text.ToString();
    }
}
