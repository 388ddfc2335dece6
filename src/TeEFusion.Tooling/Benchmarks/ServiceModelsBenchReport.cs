using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>One model's requests in one kind of cell (together or alone) at one concurrency, pooled over the rounds.</summary>
/// <param name="Concurrency">Clients of this model (a together cell has as many clients for the other model).</param>
/// <param name="Seconds">Sum over the rounds of the cell's measured window (both models' rows of a together cell share it).</param>
/// <param name="ImagesPerSecond">Succeeded requests (one image each) / <paramref name="Seconds"/>.</param>
/// <param name="P50Ms">Latency percentiles (nearest rank) of the succeeded requests, end to end over HTTP.</param>
public sealed record ServiceModelRow(
    string Cell, int Concurrency, string Model, string Sampler, int Rounds, int Sent, int Succeeded, int Failed, double Seconds,
    double ImagesPerSecond, double? P50Ms, double? P95Ms, double? P99Ms, double? MaxMs, string? FirstFailure);

/// <summary>Student ÷ teacher latency in one kind of cell at one concurrency.</summary>
/// <param name="MeetsTarget">P50 ratio ≤ <see cref="ServiceModelsBench.RatioTarget"/>; judged only for the together cells without failures.</param>
public sealed record ServiceModelRatio(string Cell, int Concurrency, double? P50Ratio, double? P95Ratio, bool? MeetsTarget);

/// <summary>A model as GET /v1/models listed it when the bench started.</summary>
public sealed record ServedModelFacts(string Id, string? Kind, string? Version);

/// <summary>Everything a `bench service models` run measured, with the machine, the settings and the served models.</summary>
/// <param name="RssAfterWarmupMib">VmRSS of the service process after the warm-up (both models loaded and used), MiB.</param>
public sealed record ServiceModelsBenchReport(
    string Benchmark,
    DateTimeOffset StartedUtc,
    double TotalSeconds,
    MachineInfo Machine,
    ServiceModelsBenchSettings Settings,
    IReadOnlyList<ServedModelFacts> Served,
    double? RssAfterWarmupMib,
    double? RssAtEndMib,
    IReadOnlyList<ServiceModelRow> Rows,
    IReadOnlyList<ServiceModelRatio> Ratios) : IBenchReport
{
    public string ToJson() => JsonSerializer.Serialize(this, BenchFiles.Json);

    public static ServiceModelsBenchReport FromJson(string json) => BenchFiles.Read<ServiceModelsBenchReport>(json);

    public string Save(string jsonPath) => BenchFiles.Save(jsonPath, ToJson(), ToMarkdown());

    public string ToMarkdown()
    {
        var s = Settings;
        var text = new StringBuilder();
        void Line(params FormattableString[] parts) => text.AppendLine(string.Concat(parts.Select(p => p.ToString(CultureInfo.InvariantCulture))));
        Line($"# Service benchmark: a student and its teacher served at once ({Machine.Device})");
        text.AppendLine();
        Line($"- Measured {StartedUtc:yyyy-MM-dd HH:mm} UTC in {TotalSeconds:F0} s on: {Machine}.");
        Line($"- One service process (`{s.ServiceDll}`) on 127.0.0.1 with its default configuration (no model configured, batching defaults), serving ",
             $"{string.Join(", ", Served.Select(m => $"`{m.Id}` ({m.Kind}, version {m.Version})"))}; RSS {Mib(RssAfterWarmupMib)} MiB after the warm-up, {Mib(RssAtEndMib)} MiB at the end.");
        Line($"- Every request is a synchronous `POST /v1/images/generations` over loopback HTTP (n 1, b64_json, {s.Width}×{s.Height}, {s.Steps} steps, ",
             $"guidance {s.Guidance}, prompt \"{s.Prompt}\", seed varied per request, the same seeds for both models), with `model` and `sampler`: ",
             $"`{s.StudentModel}` runs `{s.StudentSampler}`, `{s.TeacherModel}` runs `{s.TeacherSampler}`.");
        Line($"- Closed loop: each client sends its next request when its last one answered. **together** = `concurrency` clients per model at once ",
             $"(2 × concurrency in all); a cell's window closes when each model has {s.Requests} answers (the faster model keeps sending until then) ",
             $"or after {s.CellSeconds} s, and only requests answered inside it count, so every counted request ran with both models' clients sending ",
             $"(those still in flight at the close are answered, not counted). **alone** = one model's clients, the other model idle, same window rule. ",
             $"{s.Rounds} round(s) over every cell (odd rounds run the concurrencies backwards, and which cell goes first alternates); rows pool the rounds. ",
             $"{s.Warmup} untimed warm-up request(s) per model, sent all at once, before the first cell.");
        if (Machine.Device.StartsWith("cpu", StringComparison.Ordinal))
            text.AppendLine("- **Noise:** CPU numbers from a shared machine are ±30%; compare rows of one run, not numbers across runs.");
        text.AppendLine();
        text.AppendLine("| cell | concurrency | model | sampler | requests ok | failed | seconds | images/s | p50 ms | p95 ms | p99 ms | max ms |");
        text.AppendLine("|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Rows)
            Line($"| {r.Cell} | {r.Concurrency} | {r.Model} | {r.Sampler} | {r.Succeeded} | {r.Failed} | {r.Seconds:F1} | {r.ImagesPerSecond:F2} | ",
                 $"{r.P50Ms:F0} | {r.P95Ms:F0} | {r.P99Ms:F0} | {r.MaxMs:F0} |");
        foreach (var r in Rows.Where(r => r.FirstFailure is not null)) Line($"- {r.Cell}/{r.Concurrency}/{r.Model} first failure: {r.FirstFailure}");
        text.AppendLine();
        text.AppendLine($"| concurrency | together: student ÷ teacher p50 | together p95 | ≤ {ServiceModelsBench.RatioTarget.ToString(CultureInfo.InvariantCulture)} (p50) | alone: student ÷ teacher p50 | alone p95 |");
        text.AppendLine("|---:|---:|---:|---|---:|---:|");
        foreach (var c in s.Concurrency)
        {
            var together = Ratios.FirstOrDefault(r => r.Cell == ServiceModelsBench.Together && r.Concurrency == c);
            var alone = Ratios.FirstOrDefault(r => r.Cell == ServiceModelsBench.Alone && r.Concurrency == c);
            Line($"| {c} | **{Ratio(together?.P50Ratio)}** | {Ratio(together?.P95Ratio)} | {Verdict(together?.MeetsTarget)} | {Ratio(alone?.P50Ratio)} | {Ratio(alone?.P95Ratio)} |");
        }
        text.AppendLine();
        text.AppendLine("Ratio = the student's latency percentile ÷ the teacher's in the same kind of cell at the same concurrency (target: together p50 ≤ " +
                        $"{ServiceModelsBench.RatioTarget.ToString(CultureInfo.InvariantCulture)} at every concurrency).");
        return text.ToString();
    }

    private static string Mib(double? value) => value is { } mib ? mib.ToString("F0", CultureInfo.InvariantCulture) : "n/a";

    private static string Ratio(double? value) => value is { } r ? r.ToString("F2", CultureInfo.InvariantCulture) : "n/a";

    private static string Verdict(bool? met) => met switch { true => "met", false => "**missed**", null => "n/a" };
}
