using TeEFusion.Core.RandomModels;
using static TeEFusion.Bench.OptionErrors;

namespace TeEFusion.Bench;

/// <summary>
/// What `teefusion bench jobstore` runs: the same synchronous requests through the in-process job store (one instance)
/// and the Redis job store (one instance, then two sharing one Redis), with a model so small that a job costs little
/// more than its trip through the store. The defaults take about 2 minutes on 2 idle cores.
/// </summary>
public sealed record JobStoreBenchSettings
{
    public string Preset { get; init; } = "tiny";
    public int Width { get; init; } = 16;
    public int Height { get; init; } = 16;
    public int Steps { get; init; } = 1;
    public double Guidance { get; init; } = 5.0;
    public long Seed { get; init; }
    public string Prompt { get; init; } = "a red fox";

    /// <summary>Concurrent clients per cell; 1 gives the per-job latency, more give throughput.</summary>
    public IReadOnlyList<int> Concurrency { get; init; } = [1, 8];

    /// <summary>Requests per cell (each cell also stops at <see cref="CellSeconds"/>).</summary>
    public int Requests { get; init; } = 200;

    /// <summary>Untimed requests after each start, before the first timed cell.</summary>
    public int Warmup { get; init; } = 10;

    public int CellSeconds { get; init; } = 120;

    public int StartSeconds { get; init; } = 120;

    /// <summary>An existing Redis (host:port[,options]) to use; null starts a throwaway <see cref="RedisProcess"/>.</summary>
    public string? Redis { get; init; }

    /// <summary>The redis-server executable started when <see cref="Redis"/> is null.</summary>
    public string RedisServer { get; init; } = "redis-server";

    /// <summary>TeEFusion.Service.dll to run; null means the one built next to this repository's bench project.</summary>
    public string? ServiceDll { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the option, before anything is started or written.</summary>
    public void Validate()
    {
        if (!RandomModelPresets.TryParse(Preset, out _))
            throw new ArgumentException($"--preset: unknown preset '{Preset}'; expected one of {string.Join(", ", RandomModelPresets.Names)}.");
        AtLeast("--size (width)", Width, 16);
        AtLeast("--size (height)", Height, 16);
        AtLeast("--steps", Steps, 1);
        AtLeast("--requests", Requests, 1);
        AtLeast("--warmup", Warmup, 0);
        AtLeast("--cell-seconds", CellSeconds, 1);
        AtLeast("--start-seconds", StartSeconds, 1);
        if (Concurrency.Count == 0) throw new ArgumentException("--concurrency needs at least one value.");
        foreach (var c in Concurrency) AtLeast("--concurrency", c, 1);
    }
}
