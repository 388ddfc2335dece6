using Microsoft.Extensions.Options;
using TeEFusion.Service.Health;
using TeEFusion.Service.Options;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Jobs;

/// <summary>
/// The default provider: this process's jobs by id, with their idempotency keys, waiting in its <see cref="GenerationQueue"/>
/// for its own device worker. Nothing to install; one replica only (any replica answers only for its own jobs). Finished
/// jobs are evicted after Queue:ResultTtlSeconds, or earlier (oldest first) when their images (and previews) exceed Queue:MaxStoredBytes;
/// queued and running jobs never are. The store sweeps itself once a second and before each submission. Thread-safe.
/// </summary>
public sealed class InProcessJobStore : IJobStore, IDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Fingerprint, string JobId)> _idempotency = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _keyOfJob = new(StringComparer.Ordinal);
    private readonly GenerationQueue _queue;
    private readonly QueueOptions _options;
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;

    public InProcessJobStore(GenerationQueue queue, IOptions<QueueOptions> options, TimeProvider time)
    {
        _queue = queue;
        _options = options.Value;
        _time = time;
        _sweeper = time.CreateTimer(_ => Sweep(), null, SweepInterval, SweepInterval);
    }

    public string Provider => "in_process";

    public int Capacity => _queue.Capacity;

    public int QueueDepth => _queue.Depth;

    /// <summary>Jobs held (any state).</summary>
    public int Count
    {
        get { lock (_gate) return _jobs.Count; }
    }

    /// <summary>Encoded image bytes held by stored jobs.</summary>
    public long StoredImageBytes
    {
        get { lock (_gate) return _jobs.Values.Sum(j => j.ImageBytes); }
    }

    public JobStoreCheck? Check() => null;

    public Task<Submission> SubmitAsync(Job job, string? idempotencyKey, string fingerprint, CancellationToken cancellation)
    {
        Sweep();
        lock (_gate)
        {
            if (idempotencyKey is not null && _idempotency.TryGetValue(idempotencyKey, out var seen))
            {
                return Task.FromResult<Submission>(seen.Fingerprint == fingerprint
                    ? new Submission.Accepted(Status(_jobs[seen.JobId]), Replayed: true)
                    : Submission.Refused.KeyReused());
            }
            // Stored before it is queued: once queued, the worker may finish it before this method returns.
            Add(job, idempotencyKey, fingerprint);
        }
        if (_queue.TryEnqueue(job)) return Task.FromResult<Submission>(new Submission.Accepted(Status(job), Replayed: false));
        lock (_gate) Remove(job.Id);
        return Task.FromResult<Submission>(Submission.Refused.QueueFull(Capacity));
    }

    public Task<JobStatus?> GetAsync(string id, CancellationToken cancellation) =>
        Task.FromResult(TryGet(id, out var job) ? Status(job) : null);

    public async IAsyncEnumerable<JobEvent> ReadEventsAsync(string id, long afterId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        if (!TryGet(id, out var job)) yield break;
        await foreach (var entry in job.Events.ReadAsync(afterId, cancellation).ConfigureAwait(false)) yield return entry;
    }

    public Task<byte[]?> GetImageAsync(string id, int index, CancellationToken cancellation)
    {
        if (!TryGet(id, out var job)) return Task.FromResult<byte[]?>(null);
        var images = job.Images;
        return Task.FromResult(index >= 0 && index < images.Count ? images[index] : null);
    }

    public Task<JobCancellation?> CancelAsync(string id, string reason, CancellationToken cancellation)
    {
        if (!TryGet(id, out var job)) return Task.FromResult<JobCancellation?>(null);
        var finished = job.IsFinished;
        if (!finished) job.RequestCancel(reason, _time.GetUtcNow());
        return Task.FromResult<JobCancellation?>(new JobCancellation(Status(job), finished));
    }

    public Task WaitForCompletionAsync(string id, CancellationToken cancellation) =>
        TryGet(id, out var job) ? job.Completion.WaitAsync(cancellation) : Task.CompletedTask;

    /// <summary>Evicts finished jobs past their retention, then the oldest finished ones while over the byte cap.</summary>
    public void Sweep()
    {
        var now = _time.GetUtcNow();
        var retention = TimeSpan.FromSeconds(_options.ResultTtlSeconds);
        lock (_gate)
        {
            var finished = _jobs.Values.Where(j => j.IsFinished).OrderBy(j => j.FinishedAt).ToList();
            var bytes = finished.Sum(j => j.StoredBytes);
            foreach (var job in finished)
            {
                var expired = job.FinishedAt + retention <= now;
                if (!expired && bytes <= _options.MaxStoredBytes) break;
                bytes -= job.StoredBytes;
                Remove(job.Id);
            }
        }
    }

    public void Dispose() => _sweeper.Dispose();

    private bool TryGet(string id, out Job job)
    {
        lock (_gate) return _jobs.TryGetValue(id, out job!);
    }

    // Under _gate.
    private void Add(Job job, string? idempotencyKey, string fingerprint)
    {
        _jobs.Add(job.Id, job);
        if (idempotencyKey is null) return;
        _idempotency[idempotencyKey] = (fingerprint, job.Id);
        _keyOfJob[job.Id] = idempotencyKey;
    }

    // Under _gate.
    private void Remove(string id)
    {
        _jobs.Remove(id);
        if (_keyOfJob.Remove(id, out var key)) _idempotency.Remove(key);
    }

    private JobStatus Status(Job job)
    {
        var snapshot = job.Snapshot(_time.GetUtcNow());
        return new JobStatus(snapshot, snapshot.State == JobState.Queued ? _queue.PositionOf(job) : null);
    }
}
