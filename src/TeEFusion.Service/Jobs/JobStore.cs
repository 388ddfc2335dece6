using Microsoft.Extensions.Options;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Jobs;

/// <summary>
/// The jobs of this process, by id, with their idempotency keys. Finished jobs are evicted after the retention
/// period, or earlier (oldest first) when their images exceed the byte cap; queued and running jobs never are.
/// Thread-safe. One replica's memory: several replicas would need a shared store (see ARCHITECTURE.md).
/// </summary>
public sealed class JobStore(IOptions<QueueOptions> options, TimeProvider time)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Fingerprint, string JobId)> _idempotency = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _keyOfJob = new(StringComparer.Ordinal);
    private readonly QueueOptions _options = options.Value;

    public int Count
    {
        get { lock (_gate) return _jobs.Count; }
    }

    /// <summary>PNG bytes held by stored jobs.</summary>
    public long StoredImageBytes
    {
        get { lock (_gate) return _jobs.Values.Sum(j => j.ImageBytes); }
    }

    /// <summary>
    /// Stores the job <paramref name="create"/> makes, unless <paramref name="idempotencyKey"/> was already used:
    /// then the earlier job (same <paramref name="fingerprint"/>) or a refusal (different one).
    /// </summary>
    public JobCreation Create(string? idempotencyKey, string fingerprint, Func<Job> create)
    {
        Sweep();
        lock (_gate)
        {
            if (idempotencyKey is not null && _idempotency.TryGetValue(idempotencyKey, out var seen))
            {
                return seen.Fingerprint == fingerprint
                    ? new JobCreation(JobCreationOutcome.Existing, _jobs[seen.JobId])
                    : new JobCreation(JobCreationOutcome.KeyReused, null);
            }
            var job = create();
            _jobs.Add(job.Id, job);
            if (idempotencyKey is not null)
            {
                _idempotency[idempotencyKey] = (fingerprint, job.Id);
                _keyOfJob[job.Id] = idempotencyKey;
            }
            return new JobCreation(JobCreationOutcome.Created, job);
        }
    }

    public bool TryGet(string id, out Job job)
    {
        lock (_gate) return _jobs.TryGetValue(id, out job!);
    }

    /// <summary>Forgets a job and its idempotency key (a job that never got into the queue).</summary>
    public void Remove(string id)
    {
        lock (_gate) RemoveLocked(id);
    }

    /// <summary>Evicts finished jobs past their retention, then the oldest finished ones while over the caps.</summary>
    public void Sweep()
    {
        var now = time.GetUtcNow();
        var retention = TimeSpan.FromSeconds(_options.ResultTtlSeconds);
        lock (_gate)
        {
            var finished = _jobs.Values.Where(j => j.IsFinished).OrderBy(j => j.FinishedAt).ToList();
            var bytes = finished.Sum(j => j.ImageBytes);
            foreach (var job in finished)
            {
                var expired = job.FinishedAt + retention <= now;
                if (!expired && bytes <= _options.MaxStoredBytes) break;
                bytes -= job.ImageBytes;
                RemoveLocked(job.Id);
            }
        }
    }

    private void RemoveLocked(string id)
    {
        _jobs.Remove(id);
        if (_keyOfJob.Remove(id, out var key)) _idempotency.Remove(key);
    }
}
