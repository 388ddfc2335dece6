namespace TeEFusion.Service.Jobs;

/// <summary>A consistent copy of a job's state at one moment, for responses.</summary>
public sealed record JobSnapshot(
    string Id,
    JobSpec Spec,
    JobState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int Step,
    int TotalSteps,
    double? EtaSeconds,
    IReadOnlyList<string> Warnings,
    JobErrorCode? ErrorCode,
    string? Error,
    int ImageCount,
    string? ModelId,
    string? ModelVersion);
