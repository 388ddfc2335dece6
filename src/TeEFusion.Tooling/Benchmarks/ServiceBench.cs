using System.Diagnostics;
using System.Globalization;
using TeEFusion.Core.Pipelines;
using TeEFusion.Tooling.RandomModels;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// Benchmarks the service as a client sees it: load (throughput and latency percentiles, batching on vs off), the HTTP
/// overhead over the in-process pipeline, and the service's memory over a long run. Loopback only; every loop is
/// bounded in count and in time.
/// </summary>
public static class ServiceBench
{
    public const double OverheadTarget = 1.05;
    public const double MemoryTolerance = 0.10;

    /// <summary>
    /// Runs every part of <paramref name="settings"/>; <paramref name="log"/> receives one line per finished phase. Canceling
    /// <paramref name="cancel"/> stops the requests and the service (the CLI cancels it on SIGTERM and Ctrl+C).
    /// </summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    /// <exception cref="InvalidOperationException">The service did not start, or a request that must succeed failed.</exception>
    public static async Task<ServiceBenchReport> RunAsync(ServiceBenchSettings settings, Action<string>? log = null, CancellationToken cancel = default)
    {
        settings.Validate();
        settings = settings with { ServiceDll = Path.GetFullPath(settings.ServiceDll) };
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
        {
            Timeout = TimeSpan.FromSeconds(Math.Max(settings.CellSeconds, settings.MemorySeconds) + 30),
        };
        var folder = Directory.CreateTempSubdirectory("teefusion-bench-service-").FullName;
        try
        {
            RandomModelWriter.Write(folder, RandomModelPresets.Parse(settings.Preset), settings.Seed);
            log?.Invoke($"wrote the random {settings.Preset} model in {clock.Elapsed.TotalSeconds:F1} s");
            var rows = await LoadCellsAsync(client, folder, settings, log, cancel);
            var overhead = await OverheadAsync(client, folder, settings, log, cancel);
            var memory = await MemoryAsync(client, settings, log, cancel);
            return new ServiceBenchReport("service", started, clock.Elapsed.TotalSeconds, MachineInfo.Current("cpu"), settings, rows, overhead, memory);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // Both services run side by side (an idle one costs no CPU) and their cells take turns, alternating which goes first
    // at each cell: run one mode's cells and then the other's, and whatever warms up or slows down over the run (the
    // client's JIT, the kernels' shape caches, a slow spell of the machine) lands on one mode only. Every cell runs once
    // per round (odd rounds take the concurrencies backwards) and its rows pool the rounds: a cell of a few seconds is
    // otherwise at the mercy of one slow spell.
    private static async Task<IReadOnlyList<ServiceLoadRow>> LoadCellsAsync(HttpClient client, string folder, ServiceBenchSettings s,
        Action<string>? log, CancellationToken cancel)
    {
        var maxBatch = ("Batching:MaxBatchSize", s.MaxBatchSize.ToString(CultureInfo.InvariantCulture));
        using var batched = await StartAsync(s, folder, s.Concurrency.Max(), log, cancel, ("Batching:Enabled", "true"), maxBatch);
        using var single = await StartAsync(s, folder, s.Concurrency.Max(), log, cancel, ("Batching:Enabled", "false"), maxBatch);
        var loads = new[] { (Batching: true, Load: Load(client, batched, s.Width, s.Height, s.Steps, s)), (Batching: false, Load: Load(client, single, s.Width, s.Height, s.Steps, s)) };
        foreach (var (_, load) in loads) await WarmupAsync(load, s.Warmup, cancel);
        var runs = new Dictionary<(bool Batching, int Concurrency), List<LoadRun>>();
        var turn = 0;
        for (var round = 0; round < s.Rounds; round++)
        {
            foreach (var concurrency in round % 2 == 0 ? s.Concurrency : s.Concurrency.Reverse())
            {
                foreach (var (batching, load) in turn++ % 2 == 0 ? loads : loads.Reverse())
                {
                    var run = await load.RunAsync(s.Requests, concurrency, TimeSpan.FromSeconds(s.CellSeconds), s.Seed + 1000, cancel);
                    if (!runs.TryGetValue((batching, concurrency), out var list)) runs[(batching, concurrency)] = list = [];
                    list.Add(run);
                    log?.Invoke($"round {round + 1}, batching {(batching ? "on " : "off")} concurrency {concurrency,2}: {run.Succeeded}/{run.Sent} ok in " +
                                $"{run.Seconds:F1} s, {run.ImagesPerSecond:F2} images/s, p50 {run.Percentile(50):F0} p95 {run.Percentile(95):F0} ms");
                }
            }
        }
        // The report lists batching on first, each mode by concurrency.
        return runs.OrderByDescending(r => r.Key.Batching).ThenBy(r => s.Concurrency.ToList().IndexOf(r.Key.Concurrency)).Select(r =>
        {
            var all = LoadRun.Pool(r.Value);
            return new ServiceLoadRow(r.Key.Batching, r.Key.Concurrency, all.Sent, all.Succeeded, all.Failed, all.Seconds, all.ImagesPerSecond,
                all.Percentile(50), all.Percentile(95), all.Percentile(99), all.MaxMs, all.FirstFailure) { Rounds = r.Value.Count };
        }).ToList();
    }

    // The cell the target is about (batching on, padding off: a lone job is one row, as in the pipeline), then batching off.
    private static readonly (string Name, (string Key, string Value)[] Overrides)[] OverheadConfigurations =
    [
        ("batching on, padding off", [("Batching:Enabled", "true"), ("Batching:PadToMaxBatchSize", "false")]),
        ("batching off", [("Batching:Enabled", "false")]),
    ];

    // Each side runs alone: every service configuration's requests first (the service then stopped), then the pipeline in
    // this process. Interleaving them was tried and measured the two processes' torch thread pools fighting over the
    // cores (a lone request right after an in-process Generate took 5-20× its back-to-back time), not the service.
    private static async Task<IReadOnlyList<ServiceOverhead>> OverheadAsync(HttpClient client, string folder, ServiceBenchSettings s, Action<string>? log,
        CancellationToken cancel)
    {
        var httpTimings = new List<(string Name, Timing Http)>();
        foreach (var (name, overrides) in OverheadConfigurations)
        {
            using var service = await StartAsync(s, folder, s.Concurrency.Max(), log, cancel, overrides);
            var load = Load(client, service, s.Width, s.Height, s.Steps, s);
            for (var i = 0; i < Math.Max(1, s.Warmup); i++) await load.SendAsync(s.Seed, cancel);
            var http = new double[s.OverheadRepeats];
            for (var i = 0; i < s.OverheadRepeats; i++) http[i] = await load.SendAsync(s.Seed, cancel);
            httpTimings.Add((name, Timing.Of(http)));
        }
        using var pipeline = StudentPipeline.Load(folder);
        var request = new GenerationRequest(s.Prompt) { Seed = s.Seed, Steps = s.Steps, Guidance = s.Guidance, Width = s.Width, Height = s.Height };
        for (var i = 0; i < Math.Max(1, s.Warmup); i++) pipeline.Generate(request);
        var local = new double[s.OverheadRepeats];
        for (var i = 0; i < s.OverheadRepeats; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            pipeline.Generate(request);
            local[i] = clock.Elapsed.TotalMilliseconds;
        }
        var localTiming = Timing.Of(local);
        var cells = new List<ServiceOverhead>();
        foreach (var (name, http) in httpTimings)
        {
            var ratio = http.MedianMs / localTiming.MedianMs;
            log?.Invoke($"overhead ({name}): HTTP {http.MedianMs:F1} ms vs pipeline {localTiming.MedianMs:F1} ms = {ratio:F3}");
            cells.Add(new ServiceOverhead(name, s.OverheadRepeats, http, localTiming, ratio, ratio <= OverheadTarget));
        }
        return cells;
    }

    private static async Task<ServiceMemory> MemoryAsync(HttpClient client, ServiceBenchSettings s, Action<string>? log,
        CancellationToken cancel)
    {
        var folder = Directory.CreateTempSubdirectory("teefusion-bench-service-memory-").FullName;
        try
        {
            RandomModelWriter.Write(folder, RandomModelPresets.Parse(s.MemoryPreset), s.Seed);
            using var service = await StartAsync(s, folder, s.Concurrency.Max(), log, cancel);
            var load = Load(client, service, s.MemoryWidth, s.MemoryHeight, s.MemorySteps, s);
            await WarmupAsync(load, s.Warmup, cancel);
            var afterStart = service.ResidentMib();
            var clock = Stopwatch.StartNew();
            var limit = TimeSpan.FromSeconds(s.MemorySeconds);
            var first = await load.RunAsync(s.MemoryBaseline, s.MemoryConcurrency, limit, s.Seed + 10_000, cancel);
            var afterBaseline = service.ResidentMib();
            log?.Invoke($"memory: {first.Succeeded} requests, RSS {afterBaseline:F0} MiB (after start {afterStart:F0} MiB)");
            var rest = await load.RunAsync(s.MemoryRequests - s.MemoryBaseline, s.MemoryConcurrency, limit - clock.Elapsed, s.Seed + 10_000 + s.MemoryBaseline, cancel);
            var afterAll = service.ResidentMib();
            var failed = first.Failed + rest.Failed;
            var complete = failed == 0 && first.Sent + rest.Sent == s.MemoryRequests;
            double? ratio = afterAll / afterBaseline;
            bool? met = ratio is { } r && complete ? Math.Abs(r - 1) <= MemoryTolerance : null;
            log?.Invoke($"memory: {first.Succeeded + rest.Succeeded} requests, RSS {afterAll:F0} MiB, ratio {ratio:F3}");
            return new ServiceMemory(first.Succeeded, first.Succeeded + rest.Succeeded, failed, clock.Elapsed.TotalSeconds, afterStart, afterBaseline, afterAll,
                ratio, met, first.FirstFailure ?? rest.FirstFailure);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Starts the service with the bench's settings and waits until it is ready: <paramref name="folder"/> as Model:Path
    /// (null: the service's default models), a queue that holds <paramref name="clients"/> twice over, warnings-only logs.
    /// </summary>
    internal static async Task<ServiceProcess> StartAsync(ServiceClientBenchSettings s, string? folder, int clients, Action<string>? log,
        CancellationToken cancel, params (string Key, string Value)[] overrides)
    {
        var clock = Stopwatch.StartNew();
        var configuration = new Dictionary<string, string>
        {
            ["Queue:Capacity"] = Math.Max(64, clients * 2).ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (folder is not null) configuration["Model:Path"] = folder;
        foreach (var (key, value) in overrides) configuration[key] = value;
        var service = await ServiceProcess.StartAsync(s.ServiceDll, configuration, TimeSpan.FromSeconds(s.StartSeconds), cancel);
        log?.Invoke($"service pid {service.Id} ready at {service.Address} in {clock.Elapsed.TotalSeconds:F1} s " +
                    $"({string.Join(", ", configuration.Select(o => $"{o.Key}={o.Value}"))})");
        return service;
    }

    private static ServiceLoad Load(HttpClient client, ServiceProcess service, int width, int height, int steps, ServiceBenchSettings s) =>
        new(client, [service.Address], s.Prompt, width, height, steps, s.Guidance);

    private static async Task WarmupAsync(ServiceLoad load, int count, CancellationToken cancel)
    {
        for (var i = 0; i < count; i++) await load.SendAsync(i, cancel);
    }

    /// <summary>Nearest rank: the smallest latency with at least p% of the requests at or below it.</summary>
    internal static double? Percentile(IReadOnlyList<double> sorted, int p) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
