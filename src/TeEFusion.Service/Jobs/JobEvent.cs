namespace TeEFusion.Service.Jobs;

/// <summary>One entry of a job's event stream; ids start at 1 and increase by one per event of that job.</summary>
/// <param name="Id">What an SSE client sends back as Last-Event-ID to resume after this event.</param>
/// <param name="Type">queued, progress, succeeded, failed or canceled.</param>
/// <param name="Data">The job's state when the event happened.</param>
public sealed record JobEvent(long Id, string Type, JobEventData Data)
{
    /// <summary>True for the event that ends the stream.</summary>
    public bool IsFinal => Data.State.IsFinal();
}

/// <summary>The payload of a <see cref="JobEvent"/>.</summary>
public sealed record JobEventData(
    string JobId,
    JobState State,
    int Step,
    int TotalSteps,
    int? QueuePosition = null,
    double? EtaSeconds = null,
    string? Error = null,
    string? Reason = null,
    int ImageCount = 0);
