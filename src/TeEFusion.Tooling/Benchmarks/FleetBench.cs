using System.Diagnostics;
using System.Globalization;
using TeEFusion.Tooling.RandomModels;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// Benchmarks a fleet of replicas sharing one Redis: for each replica count, that many real service processes
/// (Jobs:Provider Redis, Compute:Device simulated: the GPU's steps are sleeps of a measured length, so the replicas cost
/// this machine's cores next to nothing) under an open-loop Poisson load above what they can serve. It measures throughput
/// and latency, the mean batch (from each replica's /metrics), and what each job cost Redis (INFO: commands, network bytes,
/// CPU seconds, memory), the replicas (CPU seconds) and, when one is configured, the object store (bytes written).
/// Loopback only; bounded in time.
/// </summary>
public static class FleetBench
{
    /// <summary>The targets: N replicas serve at least this share of N × one replica's images/s ...</summary>
    public const double ScalingTarget = 0.9;

    /// <summary>... and their steps run at least this share of Batching:MaxBatchSize rows on average under a saturating load.</summary>
    public const double BatchFillTarget = 0.9;

    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    /// <exception cref="InvalidOperationException">A service or redis-server did not start.</exception>
    public static async Task<FleetBenchReport> RunAsync(FleetBenchSettings settings, Action<string>? log = null, CancellationToken cancel = default)
    {
        settings.Validate();
        settings = settings with { ServiceDll = Path.GetFullPath(settings.ServiceDll) };
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
        {
            Timeout = RequestLimit(settings) + TimeSpan.FromSeconds(30),
        };
        var folder = Directory.CreateTempSubdirectory("teefusion-bench-fleet-").FullName;
        using var redis = settings.Redis is null ? await RedisProcess.StartAsync(settings.RedisServer, cancel) : null;
        var connection = settings.Redis ?? redis!.ConnectionString;
        try
        {
            RandomModelWriter.Write(folder, RandomModelPresets.Parse(settings.Preset), settings.Seed);
            var rows = new List<FleetRow>();
            foreach (var replicas in settings.Replicas) rows.Add(await CellAsync(client, folder, replicas, connection, settings, log, cancel));
            return new FleetBenchReport("fleet", started, clock.Elapsed.TotalSeconds, MachineInfo.Current("cpu"), settings, rows);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // Long enough for the backlog an overload of the whole arrival window leaves, at the slowest.
    private static TimeSpan RequestLimit(FleetBenchSettings s) => TimeSpan.FromSeconds(2 * s.ArrivalSeconds + 120);

    private static async Task<FleetRow> CellAsync(HttpClient client, string folder, int count, string redis, FleetBenchSettings s,
        Action<string>? log, CancellationToken cancel)
    {
        // Each cell starts from an empty Redis, so memory and counters are its own.
        await RedisInfo.FlushAsync(redis, cancel);
        var configuration = Configuration(folder, redis, s);
        var replicas = new List<ServiceProcess>();
        try
        {
            var starting = Enumerable.Range(0, count)
                .Select(_ => ServiceProcess.StartAsync(s.ServiceDll, configuration, TimeSpan.FromSeconds(s.StartSeconds), cancel)).ToList();
            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                replicas.AddRange(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }
            var addresses = replicas.Select(r => r.Address).ToList();
            var load = new ServiceLoad(client, addresses, s.Prompt, s.Width, s.Height, s.Steps, s.Guidance);
            if (s.Warmup > 0) await load.RunAsync(count * s.Warmup, count, RequestLimit(s), s.Seed, cancel);

            var before = await SnapshotAsync(client, replicas, redis, s, cancel);
            var perSecond = s.Load * count * s.CapacityPerReplica;
            // The batch fill is read when the arrivals end: the drain that follows empties the batches by design.
            var saturated = ReplicaMetrics.Zero;
            var run = await OpenLoopLoad.RunAsync(load, perSecond, TimeSpan.FromSeconds(s.ArrivalSeconds), RequestLimit(s), s.Seed + 1000, count,
                async () => saturated = await MetricsAsync(client, replicas, cancel), cancel);
            var after = await SnapshotAsync(client, replicas, redis, s, cancel);

            var row = FleetRow.From(count, perSecond, run, before, after, saturated - before.Metrics, s.MaxBatchSize);
            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"{count,2} replica(s) at {perSecond:F1} req/s: {row.Succeeded}/{row.Sent} ok in {row.Seconds:F1} s, {row.ImagesPerSecond:F2} images/s, " +
                $"p50 {row.P50Ms:F0} p95 {row.P95Ms:F0} ms, batch fill {row.BatchFill:P0}, Redis {row.RedisCommandsPerJob:F1} commands " +
                $"{row.RedisBytesPerJob / 1024:F0} KiB {row.RedisCpuMsPerJob:F2} ms CPU per job"));
            return row;
        }
        finally
        {
            foreach (var replica in replicas) replica.Dispose();
        }
    }

    private static Dictionary<string, string> Configuration(string folder, string redis, FleetBenchSettings s)
    {
        string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
        var configuration = new Dictionary<string, string>
        {
            ["Model:Path"] = folder,
            ["Jobs:Provider"] = "Redis",
            ["Redis:ConnectionString"] = redis,
            // A fresh prefix per cell: no job or counter of an earlier cell is seen.
            ["Redis:KeyPrefix"] = "bench-fleet-" + Guid.NewGuid().ToString("N")[..8],
            ["Redis:PrefetchJobs"] = Text(s.PrefetchJobs),
            // The whole backlog of an overloaded cell must fit: a refused request would measure the queue's bound instead.
            ["Queue:Capacity"] = "100000",
            ["Batching:MaxBatchSize"] = Text(s.MaxBatchSize),
            ["Compute:Device"] = "simulated",
            ["Bench:SimulatedDevice:Enabled"] = "true",
            ["Bench:SimulatedDevice:StepMillisecondsFixed"] = Text(s.StepMillisecondsFixed),
            ["Bench:SimulatedDevice:StepMillisecondsPerRow"] = Text(s.StepMillisecondsPerRow),
            ["Bench:SimulatedDevice:ImageBytes"] = Text(s.ImageBytes),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in s.ImageStore) configuration["ImageStore:" + key] = value;
        return configuration;
    }

    private static async Task<FleetSnapshot> SnapshotAsync(HttpClient client, IReadOnlyList<ServiceProcess> replicas, string redis, FleetBenchSettings s,
        CancellationToken cancel)
    {
        long? storeBytes = s.ImageStore.TryGetValue("Path", out var path) ? DirectoryBytes(path) : null;
        return new FleetSnapshot(await RedisInfo.ReadAsync(redis, cancel), await MetricsAsync(client, replicas, cancel),
            replicas.Sum(r => r.CpuTime().TotalSeconds), storeBytes);
    }

    private static async Task<ReplicaMetrics> MetricsAsync(HttpClient client, IReadOnlyList<ServiceProcess> replicas, CancellationToken cancel)
    {
        var metrics = ReplicaMetrics.Zero;
        foreach (var replica in replicas) metrics += await ReplicaMetrics.ReadAsync(client, replica.Address, cancel);
        return metrics;
    }

    private static long DirectoryBytes(string path) =>
        Directory.Exists(path) ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;
}

/// <summary>What the fleet bench reads before and after a cell's load.</summary>
internal sealed record FleetSnapshot(RedisInfo Redis, ReplicaMetrics Metrics, double ReplicaCpuSeconds, long? StoreBytes);
