namespace TeEFusion.Service.Jobs;

/// <summary>What <see cref="JobStore.Create"/> did.</summary>
public enum JobCreationOutcome
{
    /// <summary>A new job was stored; the caller enqueues it.</summary>
    Created,

    /// <summary>The idempotency key was seen with the same request: the earlier job is returned.</summary>
    Existing,

    /// <summary>The idempotency key was seen with a different request: nothing was created.</summary>
    KeyReused,
}

/// <summary>The outcome, and the new or earlier job (null for <see cref="JobCreationOutcome.KeyReused"/>).</summary>
public sealed record JobCreation(JobCreationOutcome Outcome, Job? Job);
