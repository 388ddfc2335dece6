using static TeEFusion.Tooling.Benchmarks.OptionErrors;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// What `teefusion bench jobstore` runs: the same synchronous requests through the in-process job store (one instance)
/// and the Redis job store (one instance, then two sharing one Redis), with a model so small that a job costs little
/// more than its trip through the store, and the images in the image store <see cref="ImageStore"/> names. The defaults
/// take about 2 minutes on 2 idle cores.
/// </summary>
public sealed record JobStoreBenchSettings : ServiceRequestBenchSettings
{
    /// <summary>The values of --image-store.</summary>
    public static readonly IReadOnlyList<string> ImageStores = ["memory", "filesystem", "s3"];

    // The smallest request the service takes, so that what is timed is mostly the job's trip through the store.
    public JobStoreBenchSettings()
    {
        Width = 16;
        Height = 16;
        Steps = 1;
        Prompt = "a red fox";
    }

    /// <summary>Concurrent clients per cell; 1 gives the per-job latency, more give throughput.</summary>
    public IReadOnlyList<int> Concurrency { get; init; } = [1, 8];

    /// <summary>Requests per cell (each cell also stops at <see cref="CellSeconds"/>).</summary>
    public int Requests { get; init; } = 200;

    /// <summary>Untimed requests after each start, before the first timed cell.</summary>
    public int Warmup { get; init; } = 10;

    public int CellSeconds { get; init; } = 120;

    /// <summary>An existing Redis (host:port[,options]) to use; null starts a throwaway <see cref="RedisProcess"/>.</summary>
    public string? Redis { get; init; }

    /// <summary>The redis-server executable started when <see cref="Redis"/> is null.</summary>
    public string RedisServer { get; init; } = "redis-server";

    /// <summary>Where the services keep finished images: memory (with the job; in Redis for the Redis cells), filesystem (a temp directory) or s3 (a throwaway s3rver).</summary>
    public string ImageStore { get; init; } = "memory";

    /// <summary>s3rver's script (npm ci in tests/s3 installs it), started for <see cref="ImageStore"/> s3.</summary>
    public string S3rver { get; init; } = S3rverProcess.DefaultScript;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option, before anything is started or written.</summary>
    public void Validate()
    {
        ValidateServiceRequest();
        AtLeast("--requests", Requests, 1);
        AtLeast("--warmup", Warmup, 0);
        AtLeast("--cell-seconds", CellSeconds, 1);
        if (!ImageStores.Contains(ImageStore)) throw new ArgumentException($"--image-store '{ImageStore}' is not one of {string.Join(", ", ImageStores)}.");
        if (Concurrency.Count == 0) throw new ArgumentException("--concurrency needs at least one value.");
        foreach (var c in Concurrency) AtLeast("--concurrency", c, 1);
    }
}
