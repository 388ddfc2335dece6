using System.Runtime.CompilerServices;

namespace TeEFusion.Service.Jobs;

/// <summary>
/// A job's events, kept for the job's lifetime so that a reader can start (or resume after Last-Event-ID) at any
/// point. Appends come from the job's transitions; readers wait for the next append without polling. The final event
/// folds the log (<see cref="JobEventFolding"/>): a folded event's place is null, so ids never move.
/// </summary>
public sealed class JobEventLog
{
    private readonly object _gate = new();
    private readonly List<JobEvent?> _events = [];
    private TaskCompletionSource _appended = NewSignal();

    /// <summary>Events so far.</summary>
    public int Count
    {
        get { lock (_gate) return _events.Count; }
    }

    internal JobEvent Append(string type, JobEventData data)
    {
        TaskCompletionSource signal;
        JobEvent entry;
        lock (_gate)
        {
            entry = new JobEvent(_events.Count + 1, type, data);
            if (entry.IsFinal) Fold();
            _events.Add(entry);
            signal = _appended;
            _appended = NewSignal();
        }
        signal.TrySetResult();
        return entry;
    }

    /// <summary>The events after <paramref name="afterId"/> (0 = all), then each new one as it comes, until the final one.</summary>
    public async IAsyncEnumerable<JobEvent> ReadAsync(long afterId, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var next = Math.Max(afterId, 0);
        while (true)
        {
            List<JobEvent?> batch;
            Task wait;
            lock (_gate)
            {
                batch = _events.Skip((int)Math.Min(next, _events.Count)).ToList();
                wait = _appended.Task;
            }
            next += batch.Count;
            foreach (var entry in batch.OfType<JobEvent>())
            {
                yield return entry;
                if (entry.IsFinal) yield break;
            }
            if (batch.Count == 0 && Last()?.IsFinal == true) yield break;
            await wait.WaitAsync(cancellation).ConfigureAwait(false);
        }
    }

    // Under _gate.
    private void Fold()
    {
        for (var i = 0; i < _events.Count; i++)
            if (_events[i] is { } folded && !JobEventFolding.KeptAfterFinish(folded.Type)) _events[i] = null;
    }

    private JobEvent? Last()
    {
        lock (_gate) return _events.Count == 0 ? null : _events[^1];
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
