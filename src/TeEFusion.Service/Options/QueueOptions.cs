using System.ComponentModel.DataAnnotations;

namespace TeEFusion.Service.Options;

/// <summary>The bounded job queue and how long finished jobs are kept (section "Queue").</summary>
public sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary>Jobs waiting for the worker; one more is refused with 429.</summary>
    [Range(1, 100_000)]
    public int Capacity { get; set; } = 64;

    /// <summary>Retry-After (seconds) sent with a 429 for a full queue and a 503 while draining.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>How long a finished job and its images stay retrievable.</summary>
    [Range(1, 7 * 24 * 3600)]
    public int ResultTtlSeconds { get; set; } = 600;

    /// <summary>Memory cap for kept images; the oldest finished jobs are evicted first beyond it.</summary>
    [Range(1L, long.MaxValue)]
    public long MaxStoredBytes { get; set; } = 256L * 1024 * 1024;
}
