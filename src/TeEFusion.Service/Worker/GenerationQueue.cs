using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Worker;

/// <summary>
/// The jobs waiting for the device worker: one first-in-first-out line per served model, bounded by one capacity for
/// all. Writers never wait: a full queue is answered at once (429 + Retry-After) instead of leaving HTTP requests hanging
/// on backpressure. Each accepted job wakes the worker through its <see cref="WorkerSignal"/>. The worker sees the head of
/// every model's line (<see cref="Heads"/>) and picks which leaves next by the device work each model has had, so a
/// model whose jobs need less work per image (a student beside its teacher) is not held behind the other's line.
/// </summary>
public sealed class GenerationQueue
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<Job>> _lines = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Job> _waiting = new(StringComparer.Ordinal);
    private readonly WorkerSignal _signal;
    private long _sequence;
    private int _count;
    private bool _closed;

    public GenerationQueue(IOptions<QueueOptions> options, WorkerSignal signal)
    {
        _signal = signal;
        Capacity = options.Value.Capacity;
    }

    public int Capacity { get; }

    /// <summary>Jobs in the queue that are still waiting (canceled ones no longer count).</summary>
    public int Depth => _waiting.Values.Count(j => !j.IsFinished);

    /// <summary>Adds the job; false when the queue is full or closed for shutdown.</summary>
    public bool TryEnqueue(Job job)
    {
        // Registered and announced before it is visible to the worker, which may take it at any moment after: its events
        // must follow "queued". Under the lock, sequences follow the order of the writes. A canceled job keeps its place
        // (and its share of the capacity) until the worker drops it, as it is then at the head of its line.
        lock (_gate)
        {
            if (_closed || _count >= Capacity) return false;
            job.Sequence = ++_sequence;
            _waiting[job.Id] = job;
            job.Enqueued(Position(job));
            if (!_lines.TryGetValue(job.Spec.Model, out var line)) _lines[job.Spec.Model] = line = new Queue<Job>();
            line.Enqueue(job);
            _count++;
        }
        _signal.Notify();
        return true;
    }

    /// <summary>The oldest job of each model's line, oldest first; empty when nothing is queued.</summary>
    public IReadOnlyList<Job> Heads()
    {
        lock (_gate)
        {
            if (_count == 0) return [];
            return _lines.Values.Where(l => l.Count > 0).Select(l => l.Peek()).OrderBy(j => j.Sequence).ToList();
        }
    }

    /// <summary>Takes <paramref name="head"/> (one of <see cref="Heads"/>) off the queue; false when it is no longer a head.</summary>
    public bool TryTake(Job head)
    {
        lock (_gate)
        {
            if (!_lines.TryGetValue(head.Spec.Model, out var line) || !line.TryPeek(out var first) || !ReferenceEquals(first, head))
                return false;
            line.Dequeue();
            if (line.Count == 0) _lines.Remove(head.Spec.Model);
            _count--;
            _waiting.TryRemove(head.Id, out _);
            return true;
        }
    }

    /// <summary>Takes the oldest job of any model (the shutdown drains the queue with it).</summary>
    public bool TryTakeOldest(out Job job)
    {
        // Only the worker takes jobs, so the oldest head cannot leave between the two calls.
        job = Heads().FirstOrDefault()!;
        return job is not null && TryTake(job);
    }

    /// <summary>Jobs ahead of this one in arrival order (0 = next), or null when it is not waiting. Jobs of another model
    /// may leave before or after it, by that model's share of the device.</summary>
    public int? PositionOf(Job job) => _waiting.ContainsKey(job.Id) && !job.IsFinished ? Position(job) : null;

    /// <summary>Stops accepting jobs (shutdown); what is queued stays readable.</summary>
    public void Close()
    {
        lock (_gate) _closed = true;
    }

    /// <summary>
    /// Takes a waiting job out of its line wherever it stands, without ending it (a shared store's relay gives the job back
    /// to the shared queue); false when the worker has already taken it.
    /// </summary>
    public bool TryRemove(Job job)
    {
        lock (_gate)
        {
            if (!_lines.TryGetValue(job.Spec.Model, out var line) || !line.Contains(job)) return false;
            var others = line.Where(j => !ReferenceEquals(j, job)).ToList();
            line.Clear();
            foreach (var other in others) line.Enqueue(other);
            if (line.Count == 0) _lines.Remove(job.Spec.Model);
            _count--;
            _waiting.TryRemove(job.Id, out _);
            return true;
        }
    }

    private int Position(Job job) => _waiting.Values.Count(other => !other.IsFinished && other.Sequence < job.Sequence);
}
