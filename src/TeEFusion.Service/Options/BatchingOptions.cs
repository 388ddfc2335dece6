using System.ComponentModel.DataAnnotations;

namespace TeEFusion.Service.Options;

/// <summary>Continuous batching in the device worker (section "Batching").</summary>
public sealed class BatchingOptions
{
    public const string Section = "Batching";

    /// <summary>false runs one job at a time (the baseline the benchmark compares against).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Most images advanced together in one transformer pass (a job with more images than this runs alone).</summary>
    [Range(1, 256)]
    public int MaxBatchSize { get; set; } = 4;

    /// <summary>
    /// true: every batched step runs exactly <see cref="MaxBatchSize"/> rows (padded), so an image is byte-identical
    /// whether its job ran alone or beside others; CPU/GPU kernels choose their blocking by row count, which moves the
    /// last bits otherwise. false: steps run only the rows in flight, which is cheaper at low load (on a CPU a lone job
    /// then costs one row instead of MaxBatchSize) at the price of last-bit differences (≈1e-6) between batched and lone runs.
    /// </summary>
    public bool PadToMaxBatchSize { get; set; } = true;

    /// <summary>How long an idle worker waits for more jobs before starting a batch.</summary>
    [Range(0, 10_000)]
    public int MaxWaitMilliseconds { get; set; } = 10;
}
