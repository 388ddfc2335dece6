using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>One cell: <paramref name="Instances"/> service processes on one job store, under <paramref name="Concurrency"/> clients.</summary>
/// <param name="JobsPerSecond">Succeeded requests (one job each) / wall seconds of the cell.</param>
/// <param name="MeanMs">Latency of the succeeded requests, end to end over HTTP (P50/P95: nearest rank).</param>
/// <param name="RedisBytesPerJob">Redis cells: the mean MEMORY USAGE of a finished job's keys (hash, events, images) after the run; null in process.</param>
public sealed record JobStoreRow(string Provider, int Instances, int Concurrency, int Sent, int Succeeded, int Failed, double Seconds,
    double JobsPerSecond, double? MeanMs, double? P50Ms, double? P95Ms, string? FirstFailure, double? RedisBytesPerJob = null);

/// <summary>Everything a `bench jobstore` run measured, with the machine and the settings.</summary>
public sealed record JobStoreBenchReport(
    string Benchmark,
    DateTimeOffset StartedUtc,
    double TotalSeconds,
    MachineInfo Machine,
    JobStoreBenchSettings Settings,
    IReadOnlyList<JobStoreRow> Rows) : IBenchReport
{
    /// <summary>Median latency of one Redis instance minus that of the in-process store, at the lowest concurrency: what the Redis path adds per job.</summary>
    public double? OverheadMs => Row("Redis", 1)?.P50Ms - Row("InProcess", 1)?.P50Ms;

    public string ToJson() => JsonSerializer.Serialize(this, BenchFiles.Json);

    public static JobStoreBenchReport FromJson(string json) => BenchFiles.Read<JobStoreBenchReport>(json);

    public string Save(string jsonPath) => BenchFiles.Save(jsonPath, ToJson(), ToMarkdown());

    public string ToMarkdown()
    {
        var s = Settings;
        var text = new StringBuilder();
        void Line(params FormattableString[] parts) => text.AppendLine(string.Concat(parts.Select(p => p.ToString(CultureInfo.InvariantCulture))));
        Line($"# Job store benchmark: Redis vs in-process, images in {s.ImageStore} ({Machine.Device})");
        text.AppendLine();
        Line($"- Measured {StartedUtc:yyyy-MM-dd HH:mm} UTC in {TotalSeconds:F0} s on: {Machine}.");
        Line($"- Every request is a synchronous `POST /v1/images/generations` (n 1, b64_json) over loopback HTTP to the real service (`{s.ServiceDll}`), ",
             $"preset {s.Preset} (random weights), {s.Width}×{s.Height}, {s.Steps} step(s): the model costs little, so the latency is mostly the job's trip through its store. ",
             $"With Redis that trip is: submit script, pub/sub wake-up, claim script, one write per transition, pub/sub to the waiting request, read of state and PNG.");
        Line($"- Closed loop, {s.Requests} requests per cell (at most {s.CellSeconds} s), after {s.Warmup} untimed warmup requests per start. ",
             $"Two instances: two service processes on one Redis, requests taking turns between them (each may run the other's jobs).");
        Line($"- Redis: {(s.Redis is null ? "a throwaway local redis-server (no persistence)" : $"`{s.Redis}`")}. Image store: {s.ImageStore} ",
             $"(memory: with the job, in Redis for the Redis cells; filesystem: a temp directory; s3: a throwaway s3rver on loopback).");
        if (Machine.Device.StartsWith("cpu", StringComparison.Ordinal))
            text.AppendLine("- **Noise:** numbers from a shared machine are not results; run it on an idle one and compare rows of one run.");
        text.AppendLine();
        text.AppendLine("| store | instances | concurrency | ok | failed | seconds | jobs/s | mean ms | p50 ms | p95 ms | Redis bytes per finished job |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Rows)
            Line($"| {r.Provider} | {r.Instances} | {r.Concurrency} | {r.Succeeded} | {r.Failed} | {r.Seconds:F1} | {r.JobsPerSecond:F1} | {r.MeanMs:F1} | {r.P50Ms:F1} | {r.P95Ms:F1} | {r.RedisBytesPerJob:F0} |");
        foreach (var r in Rows.Where(r => r.FirstFailure is not null)) Line($"- {r.Provider}×{r.Instances}/{r.Concurrency} first failure: {r.FirstFailure}");
        text.AppendLine();
        Line($"Redis overhead per job (p50 of Redis × 1 − p50 of in-process, concurrency {s.Concurrency.Min()}): ",
             $"**{(OverheadMs is { } ms ? ms.ToString("F2", CultureInfo.InvariantCulture) + " ms" : "n/a")}**; target ≤ {JobStoreBench.OverheadTargetMs} ms: ",
             $"**{(OverheadMs is { } o ? o <= JobStoreBench.OverheadTargetMs ? "met" : "missed" : "not measurable")}**.");
        var top = s.Concurrency.Max();
        if (Row("Redis", 1, top) is { JobsPerSecond: > 0 } one && Row("Redis", 2, top) is { } two && Row("InProcess", 1, top) is { } local)
            Line($"Throughput at concurrency {top}: two Redis instances ÷ one = {two.JobsPerSecond / one.JobsPerSecond:F2}×; ",
                 $"one Redis instance ÷ in-process = {one.JobsPerSecond / local.JobsPerSecond:F2}× (instances share this machine's cores, so two cannot double it here).");
        return text.ToString();
    }

    private JobStoreRow? Row(string provider, int instances, int? concurrency = null) =>
        Rows.FirstOrDefault(r => r.Provider == provider && r.Instances == instances && r.Concurrency == (concurrency ?? Settings.Concurrency.Min()));
}
