namespace TeEFusion.Service.Jobs;

/// <summary>What <see cref="IJobStore.SubmitAsync"/> did.</summary>
public enum JobSubmitOutcome
{
    /// <summary>The job was stored and queued.</summary>
    Created,

    /// <summary>The idempotency key was seen with the same request: the earlier job is returned.</summary>
    Existing,

    /// <summary>The idempotency key was seen with a different request: nothing was stored.</summary>
    KeyReused,

    /// <summary>Every queue place is taken (or the queue is closed for shutdown): nothing was stored.</summary>
    QueueFull,
}

/// <summary>The outcome, and the new or earlier job's status (null when nothing was stored).</summary>
public sealed record JobSubmitResult(JobSubmitOutcome Outcome, JobStatus? Job);
