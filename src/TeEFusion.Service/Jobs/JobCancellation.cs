namespace TeEFusion.Service.Jobs;

/// <summary>What a cancel request found and left.</summary>
/// <param name="Status">The job afterwards: canceled when it was queued, still running when the request was recorded.</param>
/// <param name="AlreadyFinished">True when the job had ended before the request (nothing changed).</param>
public sealed record JobCancellation(JobStatus Status, bool AlreadyFinished);
