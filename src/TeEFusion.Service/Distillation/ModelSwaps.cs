using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Distillation;

/// <summary>
/// Hands a pipeline to the device worker to serve from its next step boundary with no job running: while a swap is
/// pending the worker admits no new job, lets the running ones finish on the weights they started with, then swaps.
/// One swap at a time.
/// </summary>
public sealed class ModelSwaps(WorkerSignal signal)
{
    private readonly Lock _gate = new();
    private PendingSwap? _pending;

    /// <summary>The swap the worker should apply, if any.</summary>
    public PendingSwap? Pending
    {
        get { lock (_gate) return _pending; }
    }

    /// <summary>Queues <paramref name="pipeline"/>; null when another swap is still pending.</summary>
    public PendingSwap? TryRequest(StudentPipeline pipeline)
    {
        PendingSwap swap;
        lock (_gate)
        {
            if (_pending is not null) return null;
            _pending = swap = new PendingSwap(pipeline);
        }
        // Once notified, the worker may apply the swap and clear _pending before this returns: hand back the local.
        signal.Notify();
        return swap;
    }

    /// <summary>Called by the worker once <paramref name="swap"/> is served.</summary>
    public void Applied(PendingSwap swap)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_pending, swap)) _pending = null;
        }
        swap.Done.TrySetResult();
    }
}

/// <summary>A pipeline waiting to be served; <see cref="Done"/> completes when it is.</summary>
public sealed record PendingSwap(StudentPipeline Pipeline)
{
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
