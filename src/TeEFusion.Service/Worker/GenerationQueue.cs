using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Worker;

/// <summary>
/// The jobs waiting for the device worker: a bounded channel with one reader. Writers never wait: a full queue is
/// answered at once (429 + Retry-After) instead of leaving HTTP requests hanging on backpressure. Each accepted job
/// wakes the worker through its <see cref="WorkerSignal"/>.
/// </summary>
public sealed class GenerationQueue
{
    private readonly Channel<Job> _channel;
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, Job> _waiting = new(StringComparer.Ordinal);
    private readonly WorkerSignal _signal;
    private TaskCompletionSource _emptied = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sequence;

    public GenerationQueue(IOptions<QueueOptions> options, WorkerSignal signal)
    {
        _signal = signal;
        Capacity = options.Value.Capacity;
        _channel = Channel.CreateBounded<Job>(new BoundedChannelOptions(Capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public int Capacity { get; }

    /// <summary>Jobs in the queue that are still waiting (canceled ones no longer count).</summary>
    public int Depth => _waiting.Values.Count(j => !j.IsFinished);

    internal ChannelReader<Job> Reader => _channel.Reader;

    /// <summary>Adds the job; false when the queue is full or closed for shutdown.</summary>
    public bool TryEnqueue(Job job)
    {
        // Registered and announced before the write: once written, the worker may take the job at any moment, and
        // its events must follow "queued". Under the lock, sequences follow the order of the writes.
        lock (_gate)
        {
            // A refused job is dropped by the caller, so its "queued" event is never seen.
            job.Sequence = ++_sequence;
            _waiting[job.Id] = job;
            job.Enqueued(Position(job));
            if (_channel.Writer.TryWrite(job))
            {
                _signal.Notify();
                return true;
            }
            _waiting.TryRemove(job.Id, out _);
            return false;
        }
    }

    /// <summary>Jobs ahead of this one (0 = next), or null when it is not waiting.</summary>
    public int? PositionOf(Job job) => _waiting.ContainsKey(job.Id) && !job.IsFinished ? Position(job) : null;

    /// <summary>Stops accepting jobs (shutdown); what is queued stays readable.</summary>
    public void Close() => _channel.Writer.TryComplete();

    /// <summary>Completes once no job waits (at once when none does): a shared store's relay then claims the next one.</summary>
    public Task WaitUntilEmptyAsync(CancellationToken cancellation)
    {
        Task emptied;
        lock (_gate)
        {
            if (_waiting.IsEmpty) return Task.CompletedTask;
            emptied = _emptied.Task;
        }
        return emptied.WaitAsync(cancellation);
    }

    /// <summary>Marks a job as taken off the queue by the worker.</summary>
    internal void Left(Job job)
    {
        lock (_gate)
        {
            _waiting.TryRemove(job.Id, out _);
            if (!_waiting.IsEmpty) return;
            var emptied = _emptied;
            _emptied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            emptied.TrySetResult();
        }
    }

    private int Position(Job job) => _waiting.Values.Count(other => !other.IsFinished && other.Sequence < job.Sequence);
}
