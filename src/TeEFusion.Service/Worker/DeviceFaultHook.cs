namespace TeEFusion.Service.Worker;

/// <summary>
/// Test seam for device faults that a CPU cannot produce on demand (out-of-memory, a failing kernel): the worker
/// calls <see cref="BeforeStep"/> before each batched denoising step and throws what it returns. Null in production.
/// </summary>
public sealed class DeviceFaultHook
{
    /// <summary>Gets the ids of the jobs in the batch (one entry per sample); returns an exception to throw, or null.</summary>
    public Func<IReadOnlyList<string>, Exception?>? BeforeStep { get; set; }

    internal void Check(IReadOnlyList<string> jobIds)
    {
        if (BeforeStep?.Invoke(jobIds) is { } fault) throw fault;
    }
}
