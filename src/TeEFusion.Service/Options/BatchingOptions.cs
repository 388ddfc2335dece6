using System.ComponentModel.DataAnnotations;

namespace TeEFusion.Service.Options;

/// <summary>Continuous batching in the device worker (section "Batching").</summary>
public sealed class BatchingOptions
{
    public const string Section = "Batching";

    /// <summary>false runs one job at a time (the baseline the benchmark compares against).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Most jobs advanced together in one transformer pass.</summary>
    [Range(1, 256)]
    public int MaxBatchSize { get; set; } = 4;

    /// <summary>How long an idle worker waits for more jobs before starting a batch.</summary>
    [Range(0, 10_000)]
    public int MaxWaitMilliseconds { get; set; } = 10;
}
