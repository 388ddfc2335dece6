using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Worker;

/// <summary>
/// The jobs waiting for the device worker: a bounded channel with one reader. Writers never wait: a full queue is
/// answered at once (429 + Retry-After) instead of leaving HTTP requests hanging on backpressure.
/// </summary>
public sealed class GenerationQueue
{
    private readonly Channel<Job> _channel;
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, Job> _waiting = new(StringComparer.Ordinal);
    private long _sequence;

    public GenerationQueue(IOptions<QueueOptions> options)
    {
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
            if (_channel.Writer.TryWrite(job)) return true;
            _waiting.TryRemove(job.Id, out _);
            return false;
        }
    }

    /// <summary>Jobs ahead of this one (0 = next), or null when it is not waiting.</summary>
    public int? PositionOf(Job job) => _waiting.ContainsKey(job.Id) && !job.IsFinished ? Position(job) : null;

    /// <summary>Stops accepting jobs (shutdown); what is queued stays readable.</summary>
    public void Close() => _channel.Writer.TryComplete();

    /// <summary>Called after the worker took a job off the queue (a shared store's relay then claims the next one).</summary>
    public Action? JobLeft { get; set; }

    /// <summary>Marks a job as taken off the queue by the worker.</summary>
    internal void Left(Job job)
    {
        _waiting.TryRemove(job.Id, out _);
        JobLeft?.Invoke();
    }

    private int Position(Job job) => _waiting.Values.Count(other => !other.IsFinished && other.Sequence < job.Sequence);
}
