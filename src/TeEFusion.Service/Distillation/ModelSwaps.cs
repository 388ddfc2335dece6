using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Models;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Distillation;

/// <summary>
/// Hands a pipeline to the device worker to serve under a model id from its next step boundary with none of that model's
/// jobs running: while a swap is pending the worker admits no new job, lets the model's running ones finish on the weights
/// they started with, then swaps (a new id is added at once). One swap at a time.
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

    /// <summary>Queues <paramref name="pipeline"/> to serve as <paramref name="slot"/>; null when another swap is still pending.</summary>
    public PendingSwap? TryRequest(ModelSlot slot, SD3Pipeline pipeline)
    {
        PendingSwap swap;
        lock (_gate)
        {
            if (_pending is not null) return null;
            _pending = swap = new PendingSwap(slot, pipeline);
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

/// <summary>A pipeline waiting to be served as <paramref name="Slot"/>'s id; <see cref="Done"/> completes when it is.</summary>
public sealed record PendingSwap(ModelSlot Slot, SD3Pipeline Pipeline)
{
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
