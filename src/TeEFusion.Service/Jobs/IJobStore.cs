using TeEFusion.Service.Health;

namespace TeEFusion.Service.Jobs;

/// <summary>
/// Where jobs live and wait, as the endpoints see them: <see cref="InProcessJobStore"/> (one replica's memory, the
/// default) or <see cref="Redis.RedisJobStore"/> (shared by every replica). Both give the same answers to the same
/// calls; a backend that cannot be reached throws <see cref="JobStoreUnavailableException"/> (answered with 503). Each
/// store evicts its own finished jobs after Queue:ResultTtlSeconds.
/// </summary>
public interface IJobStore
{
    /// <summary>"in_process" or "redis", for readiness and logs.</summary>
    string Provider { get; }

    /// <summary>Queue places; a submission beyond them is refused.</summary>
    int Capacity { get; }

    /// <summary>Jobs waiting for a worker: this replica's queue in process, the shared queue (as last read) for Redis.</summary>
    int QueueDepth { get; }

    /// <summary>The store's connection for readiness; null for a store that cannot be down (the in-process one).</summary>
    JobStoreCheck? Check();

    /// <summary>
    /// Stores and enqueues <paramref name="job"/>, unless <paramref name="idempotencyKey"/> was already used: then the
    /// earlier job (same <paramref name="fingerprint"/>) or a refusal (different one). Refused when the queue is full.
    /// Answers <see cref="Submission.Accepted"/> or <see cref="Submission.Refused"/> (KeyReused or QueueFull).
    /// </summary>
    Task<Submission> SubmitAsync(Job job, string? idempotencyKey, string fingerprint, CancellationToken cancellation);

    /// <summary>The job's state now, or null when there is no such job (never was, or evicted).</summary>
    Task<JobStatus?> GetAsync(string id, CancellationToken cancellation);

    /// <summary>The job's events after <paramref name="afterId"/> (0 = all), then each new one, until the final one.</summary>
    IAsyncEnumerable<JobEvent> ReadEventsAsync(string id, long afterId, CancellationToken cancellation);

    /// <summary>Image file <paramref name="index"/> of a succeeded job (in its spec's output format), or null when it has no such image.</summary>
    Task<byte[]?> GetImageAsync(string id, int index, CancellationToken cancellation);

    /// <summary>
    /// Cancels a queued job at once and asks the replica running a running one to end it at its next step boundary;
    /// null when there is no such job.
    /// </summary>
    Task<JobCancellation?> CancelAsync(string id, string reason, CancellationToken cancellation);

    /// <summary>Completes when the job reaches a final state (or is gone).</summary>
    Task WaitForCompletionAsync(string id, CancellationToken cancellation);
}
