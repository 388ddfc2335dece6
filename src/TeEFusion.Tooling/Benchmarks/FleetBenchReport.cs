using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>One cell: <paramref name="Replicas"/> service processes on one Redis under an open-loop load of <paramref name="PerSecond"/> requests/s.</summary>
/// <param name="ImagesPerSecond">Succeeded requests (one image each) / seconds from the first arrival to the last answer.</param>
/// <param name="P50Ms">Latency percentiles (nearest rank) of the succeeded requests, end to end over HTTP, queueing included.</param>
/// <param name="MeanBatch">Rows per batched step over all replicas (teefusion_worker_batch_size sum ÷ count) from the start of the load to the
/// end of its arrivals (the drain after it is left out: it empties the batches by design); <paramref name="BatchFill"/> = it ÷ MaxBatchSize.</param>
/// <param name="RedisCommandsPerJob">Differences of Redis INFO over the cell ÷ succeeded jobs (everything the replicas and readers did, polls included).</param>
/// <param name="RedisMemoryMib">Redis used_memory at the end of the cell (finished jobs are kept for Queue:ResultTtlSeconds).</param>
/// <param name="StoreBytesPerJob">Bytes the object store's folder grew by ÷ succeeded jobs; null without ImageStore:Path.</param>
public sealed record FleetRow(int Replicas, double PerSecond, int Sent, int Succeeded, int Failed, double Seconds, double ImagesPerSecond,
    double? P50Ms, double? P95Ms, double MeanBatch, double BatchFill, double RedisCommandsPerJob, double RedisBytesPerJob, double RedisCpuMsPerJob,
    double RedisMemoryMib, double ReplicaCpuMsPerJob, double? StoreBytesPerJob, string? FirstFailure)
{
    internal static FleetRow From(int replicas, double perSecond, LoadRun run, FleetSnapshot before, FleetSnapshot after, ReplicaMetrics steps, int maxBatch)
    {
        var jobs = Math.Max(1, run.Succeeded);
        var meanBatch = steps.Steps > 0 ? steps.BatchRowsSum / steps.Steps : 0;
        var (r0, r1) = (before.Redis, after.Redis);
        return new(replicas, perSecond, run.Sent, run.Succeeded, run.Failed, run.Seconds, run.ImagesPerSecond, run.Percentile(50), run.Percentile(95),
            meanBatch, meanBatch / maxBatch, (r1.Commands - r0.Commands) / (double)jobs,
            (r1.InputBytes - r0.InputBytes + r1.OutputBytes - r0.OutputBytes) / (double)jobs, (r1.CpuSeconds - r0.CpuSeconds) * 1000 / jobs,
            r1.UsedMemoryBytes / 1048576.0, (after.ReplicaCpuSeconds - before.ReplicaCpuSeconds) * 1000 / jobs,
            after.StoreBytes - before.StoreBytes is { } stored ? stored / (double)jobs : null, run.FirstFailure);
    }
}

/// <summary>Everything a `bench fleet` run measured, with the machine and the settings.</summary>
public sealed record FleetBenchReport(
    string Benchmark,
    DateTimeOffset StartedUtc,
    double TotalSeconds,
    MachineInfo Machine,
    FleetBenchSettings Settings,
    IReadOnlyList<FleetRow> Rows) : IBenchReport
{
    /// <summary>Images/s of <paramref name="row"/> ÷ (its replicas × the images/s of the one-replica row); null without that row.</summary>
    public double? Scaling(FleetRow row) =>
        Rows.FirstOrDefault(r => r.Replicas == 1) is { ImagesPerSecond: > 0 } one ? row.ImagesPerSecond / (row.Replicas * one.ImagesPerSecond) : null;

    public string ToJson() => JsonSerializer.Serialize(this, BenchFiles.Json);

    public static FleetBenchReport FromJson(string json) => BenchFiles.Read<FleetBenchReport>(json);

    public string Save(string jsonPath) => BenchFiles.Save(jsonPath, ToJson(), ToMarkdown());

    public string ToMarkdown()
    {
        var s = Settings;
        var text = new StringBuilder();
        void Line(params FormattableString[] parts) => text.AppendLine(string.Concat(parts.Select(p => p.ToString(CultureInfo.InvariantCulture))));
        Line($"# Fleet benchmark: replicas on one Redis, simulated device ({Machine.Device})");
        text.AppendLine();
        Line($"- Measured {StartedUtc:yyyy-MM-dd HH:mm} UTC in {TotalSeconds:F0} s on: {Machine}.");
        Line($"- Each cell starts N processes of the real service (`{s.ServiceDll}`) with `Jobs:Provider` Redis on one ",
             $"{(s.Redis is null ? "throwaway local redis-server (no persistence, emptied before each cell)" : $"Redis at `{s.Redis}`")}, ",
             $"`Batching:MaxBatchSize` {s.MaxBatchSize}, `Redis:PrefetchJobs` {s.PrefetchJobs}, and the benchmarks' **simulated device** ",
             $"(`Compute:Device` simulated): each batched step sleeps t(rows) = {s.StepMillisecondsFixed} + {s.StepMillisecondsPerRow}·rows ms ",
             $"(the student's step on one H200, bench/results/transformer-sd3medium-cuda-h200.md) and every image is one fixed {s.ImageBytes}-byte PNG. ",
             $"Prompts are still encoded by a tiny random model (preset {s.Preset}, {s.Width}×{s.Height}); everything else (HTTP, queue, Redis, worker, batching) is real.");
        Line($"- Load: open loop, Poisson arrivals for {s.ArrivalSeconds} s at {s.Load}× the modeled capacity (N × {s.CapacityPerReplica:F3} images/s: ",
             $"{s.MaxBatchSize} images per {s.Steps} full-batch steps), each a synchronous `POST /v1/images/generations` (b64_json, {s.Steps} steps), ",
             $"round robin over the replicas as a load balancer would; {s.Warmup} untimed request(s) per replica first. ",
             $"images/s = answers ÷ seconds from the first arrival to the last answer; latency includes the queueing an overload builds up.");
        Line($"- Per job: Redis `INFO` differences over the cell (commands, network bytes in + out, CPU user + sys) and the replicas' CPU time, ÷ succeeded jobs; ",
             $"batch fill = mean rows per step (each replica's `teefusion_worker_batch_size`, from the start of the load to the end of its arrivals) ÷ MaxBatchSize. ",
             $"Object store: {(s.ImageStore.Count == 0 ? "none configured (images stay in Redis)" : string.Join(", ", s.ImageStore.Select(p => $"`ImageStore:{p.Key}` {p.Value}")))}.");
        if (Machine.Device.StartsWith("cpu", StringComparison.Ordinal))
            text.AppendLine("- **Noise:** every replica, Redis and the load share this machine's cores; the simulated steps do not, so the scaling measures the fleet's own costs.");
        text.AppendLine();
        text.AppendLine("| replicas | req/s | ok | failed | seconds | images/s | ÷ N × one | p50 ms | p95 ms | batch fill | Redis cmds/job | Redis KiB/job | Redis CPU ms/job | Redis MiB | replica CPU ms/job | store KiB/job |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Rows)
            Line($"| {r.Replicas} | {r.PerSecond:F1} | {r.Succeeded} | {r.Failed} | {r.Seconds:F1} | {r.ImagesPerSecond:F2} | {Scaling(r):F2} | {r.P50Ms:F0} | {r.P95Ms:F0} | ",
                 $"{r.BatchFill:P1} | {r.RedisCommandsPerJob:F1} | {r.RedisBytesPerJob / 1024:F0} | {r.RedisCpuMsPerJob:F2} | {r.RedisMemoryMib:F0} | {r.ReplicaCpuMsPerJob:F1} | ",
                 $"{(r.StoreBytesPerJob is { } b ? (b / 1024).ToString("F0", CultureInfo.InvariantCulture) : "–")} |");
        foreach (var r in Rows.Where(r => r.FirstFailure is not null)) Line($"- {r.Replicas} replica(s) first failure: {r.FirstFailure}");
        text.AppendLine();
        var scaled = Rows.Where(r => r.Replicas > 1).Select(r => (r.Replicas, Scaling: Scaling(r))).ToList();
        if (scaled.Count > 0)
            Line($"Throughput ÷ (N × one replica's), target ≥ {FleetBench.ScalingTarget}: {string.Join(", ", scaled.Select(x => $"N={x.Replicas}: {x.Scaling:F2}"))}: ",
                 $"**{(scaled.All(x => x.Scaling >= FleetBench.ScalingTarget) ? "met" : "missed")}**.");
        Line($"Mean batch fill, target ≥ {FleetBench.BatchFillTarget:P0} of {s.MaxBatchSize}: lowest {Rows.Min(r => r.BatchFill):P1}: ",
             $"**{(Rows.All(r => r.BatchFill >= FleetBench.BatchFillTarget) ? "met" : "missed")}**.");
        return text.ToString();
    }
}
