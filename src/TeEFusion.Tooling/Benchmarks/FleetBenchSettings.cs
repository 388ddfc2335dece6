using System.Globalization;
using static TeEFusion.Tooling.Benchmarks.OptionErrors;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// What `teefusion bench fleet` runs: for each replica count, that many service processes (Jobs:Provider Redis, the
/// benchmarks' simulated device) on one redis-server, under an open-loop Poisson load above what the replicas can serve.
/// The defaults take about 10 minutes on 2 cores.
/// </summary>
public sealed record FleetBenchSettings : ServiceRequestBenchSettings
{
    // A tiny model only tokenizes the prompts; the simulated device stands in for the GPU's encoders, steps and images.
    // 8 steps, so that a one-minute cell finishes enough jobs per replica to measure; a job's Redis traffic grows by one
    // progress write per step, which the capacity model (docs/capacity.md) adds back for 28 steps.
    public FleetBenchSettings()
    {
        Width = 16;
        Height = 16;
        Steps = 8;
        Prompt = "a red fox";
    }

    /// <summary>Replica counts, one cell each.</summary>
    public IReadOnlyList<int> Replicas { get; init; } = [1, 2, 4, 8, 16];

    /// <summary>Batching:MaxBatchSize of every replica.</summary>
    public int MaxBatchSize { get; init; } = 4;

    /// <summary>Redis:PrefetchJobs of every replica.</summary>
    public int PrefetchJobs { get; init; } = 1;

    // The simulated device's step time t(rows) = a + b·rows. Not the service's default (the student in bfloat16 on one
    // H200: 18.6 + 27.4·rows) but the same student in float32 on the same H200, from the same file: batch 1: 237.7 ms,
    // batch 4: 889.3 ms → b = 217.2, a = 20.5. Every step costs a replica and Redis the same CPU whatever the GPU's speed
    // (its progress events), and at the bfloat16 rate 16 replicas' steps need more cores than a 2-core machine has;
    // at this rate they fit, so the cells measure the fleet and not the machine. The per-job costs hold for either.
    public double StepMillisecondsFixed { get; init; } = 20.5;

    public double StepMillisecondsPerRow { get; init; } = 217.2;

    /// <summary>Size of the fixed image of every job (Bench:SimulatedDevice:ImageBytes).</summary>
    public int ImageBytes { get; init; } = 1_500_000;

    /// <summary>Arrival rate ÷ what the replicas can serve at full batches (<see cref="CapacityPerReplica"/> × replicas): above 1 saturates them.</summary>
    public double Load { get; init; } = 1.5;

    /// <summary>Seconds of arrivals per cell; the cell then waits for the jobs in flight.</summary>
    public int ArrivalSeconds { get; init; } = 60;

    /// <summary>Untimed requests per replica after each start.</summary>
    public int Warmup { get; init; } = 1;

    /// <summary>An existing Redis (host:port); null starts a throwaway <see cref="RedisProcess"/>.</summary>
    public string? Redis { get; init; }

    public string RedisServer { get; init; } = "redis-server";

    /// <summary>ImageStore:* settings given to every replica (e.g. Provider=FileSystem, Path=…); empty keeps images in Redis.</summary>
    public IReadOnlyDictionary<string, string> ImageStore { get; init; } = new Dictionary<string, string>();

    /// <summary>Images one replica finishes per second with every step at a full batch (the open loop's unit of rate).</summary>
    public double CapacityPerReplica => MaxBatchSize / (Steps * (StepMillisecondsFixed + StepMillisecondsPerRow * MaxBatchSize) / 1000.0);

    /// <summary>Throws <see cref="ArgumentException"/> naming the option, before anything is started or written.</summary>
    public void Validate()
    {
        ValidateServiceRequest();
        if (Replicas.Count == 0) throw new ArgumentException("--replicas needs at least one value.");
        foreach (var n in Replicas) AtLeast("--replicas", n, 1);
        AtLeast("--max-batch", MaxBatchSize, 1);
        AtLeast("--prefetch", PrefetchJobs, 0);
        AtLeast("--image-bytes", ImageBytes, 64);
        AtLeast("--arrival-seconds", ArrivalSeconds, 1);
        AtLeast("--warmup", Warmup, 0);
        if (!(StepMillisecondsFixed >= 0) || !(StepMillisecondsPerRow > 0))
            throw new ArgumentException($"--step-ms {StepMillisecondsFixed} must be ≥ 0 and --row-ms {StepMillisecondsPerRow} > 0.");
        if (!(Load > 0 && Load <= 10)) throw new ArgumentException($"--load {Load.ToString(CultureInfo.InvariantCulture)} must be in (0, 10].");
    }

    /// <summary>Parses `Key=Value` pairs (comma-separated or one per token) for <see cref="ImageStore"/>.</summary>
    public static IReadOnlyDictionary<string, string> ParsePairs(string option, IEnumerable<string> values)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var split = pair.IndexOf('=', StringComparison.Ordinal);
            if (split <= 0) throw new ArgumentException($"{option}: '{pair}' is not Key=Value.");
            pairs[pair[..split]] = pair[(split + 1)..];
        }
        return pairs;
    }
}
