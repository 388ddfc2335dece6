namespace TeEFusion.Service.Worker;

/// <summary>
/// Wakes the device worker when there may be something to do: a job was queued, a distillation run or a model swap is
/// waiting. Auto-reset: any number of notifications while the worker is busy wake it once, and it then looks at every
/// source (<see cref="WorkerPolicy"/>), so none is lost. The worker blocks on it instead of polling, so an idle service
/// costs no CPU.
/// </summary>
public sealed class WorkerSignal : IDisposable
{
    private readonly SemaphoreSlim _pending = new(0, 1);
    private readonly Lock _gate = new();

    /// <summary>Wakes the worker (or lets its next wait return at once).</summary>
    public void Notify()
    {
        lock (_gate)
        {
            if (_pending.CurrentCount == 0) _pending.Release();
        }
    }

    /// <summary>
    /// Blocks the calling thread until notified or until <paramref name="timeout"/> passes (infinite when null); false on
    /// timeout. Throws <see cref="OperationCanceledException"/> when <paramref name="cancellation"/> fires.
    /// </summary>
    public bool Wait(TimeSpan? timeout, CancellationToken cancellation) =>
        _pending.Wait(timeout ?? Timeout.InfiniteTimeSpan, cancellation);

    public void Dispose() => _pending.Dispose();
}
