using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>One closed-loop load cell: <paramref name="Concurrency"/> clients against a service with batching on or off, over every round.</summary>
/// <param name="ImagesPerSecond">Succeeded requests (one image each) / wall seconds of the cell, all rounds together.</param>
/// <param name="P50Ms">Latency percentiles (nearest rank) of the succeeded requests, end to end over HTTP.</param>
public sealed record ServiceLoadRow(
    bool Batching, int Concurrency, int Sent, int Succeeded, int Failed, double Seconds, double ImagesPerSecond,
    double? P50Ms, double? P95Ms, double? P99Ms, double? MaxMs, string? FirstFailure)
{
    /// <summary>How many rounds the row pools (1 in results written before rounds existed).</summary>
    public int Rounds { get; init; } = 1;
}

/// <summary>One synchronous request over HTTP vs the same request through StudentPipeline.Generate in process.</summary>
/// <param name="Ratio">Median HTTP ms / median pipeline ms (target ≤ <see cref="ServiceBench.OverheadTarget"/>).</param>
public sealed record ServiceOverhead(string Service, int Repeats, Timing Http, Timing Pipeline, double Ratio, bool MeetsTarget);

/// <summary>The service process's resident memory (VmRSS of /proc/&lt;pid&gt;/status, MiB) during a long run.</summary>
/// <param name="Ratio">RSS after all requests / RSS after the baseline requests (target within ±<see cref="ServiceBench.MemoryTolerance"/>).</param>
public sealed record ServiceMemory(int BaselineRequests, int Requests, int Failed, double Seconds, double? RssAfterStartMib,
    double? RssAfterBaselineMib, double? RssAfterAllMib, double? Ratio, bool? MeetsTarget, string? FirstFailure);

/// <summary>Everything a `bench service` run measured, with the machine and the settings.</summary>
public sealed record ServiceBenchReport(
    string Benchmark,
    DateTimeOffset StartedUtc,
    double TotalSeconds,
    MachineInfo Machine,
    ServiceBenchSettings Settings,
    IReadOnlyList<ServiceLoadRow> Rows,
    IReadOnlyList<ServiceOverhead> Overhead,
    ServiceMemory Memory) : IBenchReport
{
    public string ToJson() => JsonSerializer.Serialize(this, BenchFiles.Json);

    public static ServiceBenchReport FromJson(string json) => BenchFiles.Read<ServiceBenchReport>(json);

    public string Save(string jsonPath) => BenchFiles.Save(jsonPath, ToJson(), ToMarkdown());

    public string ToMarkdown()
    {
        var s = Settings;
        var text = new StringBuilder();
        void Line(params FormattableString[] parts) => text.AppendLine(string.Concat(parts.Select(p => p.ToString(CultureInfo.InvariantCulture))));
        Line($"# Service benchmark ({Machine.Device})");
        text.AppendLine();
        Line($"- Measured {StartedUtc:yyyy-MM-dd HH:mm} UTC in {TotalSeconds:F0} s on: {Machine}.");
        Line($"- The real service (`{s.ServiceDll}`) runs as a child process on 127.0.0.1; every request is a synchronous `POST /v1/images/generations` ",
             $"(n 1, b64_json, guidance {s.Guidance}, prompt \"{s.Prompt}\", seed varied per request) over loopback HTTP.");
        Line($"- Load: preset {s.Preset} (random weights), {s.Width}×{s.Height}, {s.Steps} steps; closed loop: each of `concurrency` clients sends its next request when its ",
             $"last one answered; {s.Requests} requests per cell (at most {s.CellSeconds} s) in each of {s.Rounds} round(s), rows pooling the rounds (odd rounds ",
             $"take the concurrencies backwards), after {s.Warmup} untimed warmup request(s) per service start; ",
             $"both services run side by side and their cells take turns (which mode goes first alternates at every cell). ",
             $"Batching on = `Batching:Enabled true`, `MaxBatchSize {s.MaxBatchSize}`, padding as the service's default (`PadToMaxBatchSize false`: each step runs the rows in flight); off = `Batching:Enabled false` (one job at a time).");
        Line($"- Overhead: one request at a time, {s.OverheadRepeats} back-to-back HTTP requests per service configuration (then that service is stopped), ",
             $"then {s.OverheadRepeats} in-process `StudentPipeline.Generate` calls of the same request (same folder, prompt, seed, size, steps, guidance; PNG included), ",
             $"each after {Math.Max(1, s.Warmup)} untimed warmup(s); each side runs alone on the machine. The target cell is `Batching:Enabled true`, `PadToMaxBatchSize false` (a lone job is one row, as in the pipeline); ",
             $"`Batching:Enabled false` is measured beside it.");
        Line($"- Memory: preset {s.MemoryPreset}, {s.MemoryWidth}×{s.MemoryHeight}, {s.MemorySteps} steps, concurrency {s.MemoryConcurrency}, service defaults ",
             $"(finished jobs kept for their TTL within the store's byte cap); RSS is VmRSS of the service process.");
        if (Machine.Device.StartsWith("cpu", StringComparison.Ordinal))
            text.AppendLine("- **Noise:** CPU numbers from a shared machine are ±30%; compare rows of one run, not numbers across runs.");
        text.AppendLine();
        text.AppendLine("| batching | concurrency | requests ok | failed | seconds | images/s | p50 ms | p95 ms | p99 ms | max ms |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Rows)
            Line($"| {(r.Batching ? "on" : "off")} | {r.Concurrency} | {r.Succeeded} | {r.Failed} | {r.Seconds:F1} | {r.ImagesPerSecond:F2} | {r.P50Ms:F0} | {r.P95Ms:F0} | {r.P99Ms:F0} | {r.MaxMs:F0} |");
        foreach (var c in Rows.Select(r => r.Concurrency).Distinct())
        {
            var on = Rows.FirstOrDefault(r => r.Batching && r.Concurrency == c);
            var off = Rows.FirstOrDefault(r => !r.Batching && r.Concurrency == c);
            if (on is not null && off is not null && off.ImagesPerSecond > 0)
                Line($"{(c == Rows[0].Concurrency ? "\nThroughput batching on ÷ off:" : "")} concurrency {c}: {on.ImagesPerSecond / off.ImagesPerSecond:F2}×.");
        }
        foreach (var r in Rows.Where(r => r.FirstFailure is not null)) Line($"- {(r.Batching ? "on" : "off")}/{r.Concurrency} first failure: {r.FirstFailure}");
        text.AppendLine();
        text.AppendLine("| overhead: service | HTTP median ms | pipeline median ms | HTTP min–max ms | pipeline min–max ms | ratio | ≤ 1.05 |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var o in Overhead)
            Line($"| {o.Service} | {o.Http.MedianMs:F1} | {o.Pipeline.MedianMs:F1} | {o.Http.MinMs:F0}–{o.Http.MaxMs:F0} | {o.Pipeline.MinMs:F0}–{o.Pipeline.MaxMs:F0} | ",
                 $"**{o.Ratio:F3}** | {(o.MeetsTarget ? "met" : "**missed**")} |");
        text.AppendLine();
        text.AppendLine("Ratio = median HTTP end-to-end ms ÷ median in-process `Generate` ms (target ≤ 1.05).");
        text.AppendLine();
        var m = Memory;
        text.AppendLine("| memory | RSS MiB |");
        text.AppendLine("|---|---:|");
        Line($"| after start + warmup | {Mib(m.RssAfterStartMib)} |");
        Line($"| after {m.BaselineRequests} requests | {Mib(m.RssAfterBaselineMib)} |");
        Line($"| after {m.Requests} requests | {Mib(m.RssAfterAllMib)} |");
        text.AppendLine();
        Line($"RSS after {m.Requests} ÷ after {m.BaselineRequests}: **{(m.Ratio is { } ratio ? ratio.ToString("F3", CultureInfo.InvariantCulture) : "n/a")}**; ",
             $"target within ±{ServiceBench.MemoryTolerance:P0}: **{(m.MeetsTarget is { } met ? met ? "met" : "missed" : "not measurable here")}** ",
             $"({m.Failed} failed, {m.Seconds:F0} s{(m.FirstFailure is null ? "" : $"; first failure: {m.FirstFailure}")}).");
        return text.ToString();
    }

    private static string Mib(double? value) => value is { } mib ? mib.ToString("F0", CultureInfo.InvariantCulture) : "n/a";
}
