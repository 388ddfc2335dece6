namespace TeEFusion.Service.Jobs;

/// <summary>A job's state as a store reports it: the snapshot, and its place in the queue while it waits.</summary>
/// <param name="Snapshot">The job's state.</param>
/// <param name="QueuePosition">Jobs ahead of it (0 = next) while queued; null otherwise.</param>
public sealed record JobStatus(JobSnapshot Snapshot, int? QueuePosition);
