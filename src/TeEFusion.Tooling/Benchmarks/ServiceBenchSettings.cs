using static TeEFusion.Tooling.Benchmarks.OptionErrors;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// What `teefusion bench service` runs against the real service (a child process on 127.0.0.1): closed-loop load at
/// each concurrency with continuous batching on and off, the HTTP overhead of one synchronous request over the
/// in-process pipeline, and the service's resident memory after <see cref="MemoryBaseline"/> and
/// <see cref="MemoryRequests"/> requests. The defaults take about 5 minutes on 2 idle cores.
/// </summary>
/// <remarks>
/// <see cref="ServiceRequestBenchSettings.Preset"/> is the random preset of the load and overhead cells (written to a
/// temporary folder for the run). Tiny, not small: on 2 CPU cores a small-preset image takes seconds through the
/// service, too few requests per cell for percentiles.
/// </remarks>
public sealed record ServiceBenchSettings : ServiceRequestBenchSettings
{
    public IReadOnlyList<int> Concurrency { get; init; } = [1, 4, 16];

    /// <summary>Requests per load cell (each cell also stops at <see cref="CellSeconds"/>).</summary>
    public int Requests { get; init; } = 64;

    /// <summary>
    /// Untimed requests after each service start, before its first timed cell. Enough for the service to settle: the first
    /// few dozen requests after a start still pay for JIT compilation and the kernels' first runs, and with a couple of
    /// warm-ups the first cell's tail was measured at several times the later cells'.
    /// </summary>
    public int Warmup { get; init; } = 32;

    /// <summary>Passes over every load cell; each row pools its cell's rounds.</summary>
    public int Rounds { get; init; } = 3;

    public int CellSeconds { get; init; } = 60;

    /// <summary>Batching:MaxBatchSize of the batching-on cells (the service default is 4).</summary>
    public int MaxBatchSize { get; init; } = 4;

    /// <summary>Timed HTTP requests per service configuration, and timed in-process Generate calls, of the overhead cells.</summary>
    public int OverheadRepeats { get; init; } = 9;

    public string MemoryPreset { get; init; } = "tiny";
    public int MemoryWidth { get; init; } = 32;
    public int MemoryHeight { get; init; } = 32;
    public int MemorySteps { get; init; } = 2;
    public int MemoryConcurrency { get; init; } = 4;
    public int MemoryBaseline { get; init; } = 100;
    public int MemoryRequests { get; init; } = 1000;
    public int MemorySeconds { get; init; } = 300;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option, before anything is started or written.</summary>
    public void Validate()
    {
        ValidateServiceRequest();
        CheckPreset("--memory-preset", MemoryPreset);
        AtLeast("--memory-size (width)", MemoryWidth, 16);
        AtLeast("--memory-size (height)", MemoryHeight, 16);
        AtLeast("--memory-steps", MemorySteps, 1);
        AtLeast("--requests", Requests, 1);
        AtLeast("--warmup", Warmup, 0);
        AtLeast("--rounds", Rounds, 1);
        AtLeast("--cell-seconds", CellSeconds, 1);
        AtLeast("--max-batch", MaxBatchSize, 1);
        AtLeast("--overhead-repeats", OverheadRepeats, 1);
        AtLeast("--memory-concurrency", MemoryConcurrency, 1);
        AtLeast("--memory-baseline", MemoryBaseline, 1);
        AtLeast("--memory-requests", MemoryRequests, MemoryBaseline + 1);
        AtLeast("--memory-seconds", MemorySeconds, 1);
        if (Concurrency.Count == 0) throw new ArgumentException("--concurrency needs at least one value.");
        foreach (var c in Concurrency) AtLeast("--concurrency", c, 1);
    }
}
