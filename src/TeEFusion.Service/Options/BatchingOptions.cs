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
    /// The reproducibility mode, off by default. false: each step runs only the rows in flight, so a lone request costs
    /// what it costs with batching off and its image is byte-identical to that run and to every other run at the same
    /// load; beside other jobs, CPU/GPU kernels choose their blocking by row count, which moves the last bits (≈1e-6),
    /// and its pixels may differ by a level. true: every step runs exactly <see cref="MaxBatchSize"/> rows (padded), so
    /// an image is byte-identical whatever ran beside it, at the price of MaxBatchSize rows per step at any load. The
    /// image's <c>batching</c> entry (a PNG text chunk, an XMP property) records which mode made it.
    /// </summary>
    public bool PadToMaxBatchSize { get; set; }

    /// <summary>
    /// How long a fresh batch waits for company before its first step. 0 (the default) starts a lone job at once, as
    /// batching off would: jobs that arrive later still join at the next step boundary, so waiting only lines up jobs
    /// that arrive within the window at the price of that wait for every job that arrives alone.
    /// </summary>
    [Range(0, 10_000)]
    public int MaxWaitMilliseconds { get; set; }
}
