using System.Diagnostics;
using System.Globalization;
using TeEFusion.Tooling.RandomModels;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// Benchmarks what the Redis job store costs per job against the in-process one, and what a second instance on the
/// same Redis adds: the same synchronous requests (submit, claim, run, write back, wait, read the PNG) through one
/// in-process instance, one Redis instance and two Redis instances taking turns, with the images in the chosen image
/// store; for the Redis cells also what Redis keeps per finished job. Loopback only; bounded in count and time.
/// </summary>
public static class JobStoreBench
{
    /// <summary>The issue's target: the Redis path adds at most this much per job (median latency at concurrency 1).</summary>
    public const double OverheadTargetMs = 5.0;

    private static readonly (string Provider, int Instances)[] Cells = [("InProcess", 1), ("Redis", 1), ("Redis", 2)];

    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    /// <exception cref="InvalidOperationException">A service or redis-server did not start, or a request that must succeed failed.</exception>
    public static async Task<JobStoreBenchReport> RunAsync(JobStoreBenchSettings settings, Action<string>? log = null, CancellationToken cancel = default)
    {
        settings.Validate();
        settings = settings with { ServiceDll = Path.GetFullPath(settings.ServiceDll) };
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
        {
            Timeout = TimeSpan.FromSeconds(settings.CellSeconds + 30),
        };
        var folder = Directory.CreateTempSubdirectory("teefusion-bench-jobstore-").FullName;
        using var redis = settings.Redis is null ? await RedisProcess.StartAsync(settings.RedisServer, cancel) : null;
        using var images = await BenchImageStore.StartAsync(settings, cancel);
        var connection = settings.Redis ?? redis!.ConnectionString;
        try
        {
            RandomModelWriter.Write(folder, RandomModelPresets.Parse(settings.Preset), settings.Seed);
            var rows = new List<JobStoreRow>();
            foreach (var (provider, instances) in Cells)
                rows.AddRange(await CellAsync(client, folder, provider, instances, connection, images, settings, log, cancel));
            return new JobStoreBenchReport("jobstore", started, clock.Elapsed.TotalSeconds, MachineInfo.Current("cpu"), settings, rows);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<IReadOnlyList<JobStoreRow>> CellAsync(HttpClient client, string folder, string provider, int instances, string redis,
        BenchImageStore images, JobStoreBenchSettings s, Action<string>? log, CancellationToken cancel)
    {
        // A fresh prefix per cell: no job, idempotency key or counter of an earlier cell is seen.
        var prefix = $"bench-{provider.ToLowerInvariant()}-{instances}-{Guid.NewGuid().ToString("N")[..8]}";
        var configuration = new Dictionary<string, string>
        {
            ["Model:Path"] = folder,
            ["Jobs:Provider"] = provider,
            ["Redis:ConnectionString"] = redis,
            ["Redis:KeyPrefix"] = prefix,
            ["Queue:Capacity"] = Math.Max(64, s.Concurrency.Max() * 2).ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in images.Settings(prefix)) configuration[key] = value;
        var services = new List<ServiceProcess>();
        try
        {
            for (var i = 0; i < instances; i++)
                services.Add(await ServiceProcess.StartAsync(s.ServiceDll, configuration, TimeSpan.FromSeconds(s.StartSeconds), cancel));
            var load = new ServiceLoad(client, services.Select(x => x.Address).ToList(), s.Prompt, s.Width, s.Height, s.Steps, s.Guidance);
            for (var i = 0; i < s.Warmup; i++) await load.SendAsync(s.Seed + i, cancel);
            var rows = new List<JobStoreRow>();
            foreach (var concurrency in s.Concurrency)
            {
                var run = await load.RunAsync(s.Requests, concurrency, TimeSpan.FromSeconds(s.CellSeconds), s.Seed + 1000, cancel);
                var latencies = run.LatenciesMs;
                var redisBytes = provider == "Redis" ? await RedisFootprint.BytesPerFinishedJobAsync(redis, prefix) : null;
                var row = new JobStoreRow(provider, instances, concurrency, run.Sent, run.Succeeded, run.Failed, run.Seconds, run.Succeeded / run.Seconds,
                    latencies.Count > 0 ? latencies.Average() : null, ServiceBench.Percentile(latencies, 50), ServiceBench.Percentile(latencies, 95), run.FirstFailure,
                    redisBytes);
                rows.Add(row);
                log?.Invoke($"{provider,-9} × {instances} concurrency {concurrency,2}: {row.Succeeded}/{row.Sent} ok in {row.Seconds:F1} s, " +
                            $"{row.JobsPerSecond:F1} jobs/s, mean {row.MeanMs:F1} p50 {row.P50Ms:F1} p95 {row.P95Ms:F1} ms" +
                            (redisBytes is { } b ? $", Redis {b:F0} B per finished job" : ""));
            }
            return rows;
        }
        finally
        {
            foreach (var service in services) service.Dispose();
        }
    }
}
