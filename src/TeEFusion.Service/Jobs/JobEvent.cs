using System.Text.Json.Serialization;

namespace TeEFusion.Service.Jobs;

/// <summary>One entry of a job's event stream; ids start at 1 and increase by one per event of that job.</summary>
/// <param name="Id">What an SSE client sends back as Last-Event-ID to resume after this event.</param>
/// <param name="Type">queued, progress, partial_image, succeeded, failed or canceled.</param>
/// <param name="Data">The job's state when the event happened.</param>
public sealed record JobEvent(long Id, string Type, JobEventData Data)
{
    /// <summary>True for the event that ends the stream.</summary>
    public bool IsFinal => Data.State.IsFinal();
}

/// <summary>The payload of a <see cref="JobEvent"/>; the last three are set on partial_image events only.</summary>
/// <param name="JobId">The job's id.</param>
/// <param name="State">Its state after the event.</param>
/// <param name="Step">Steps completed.</param>
/// <param name="TotalSteps">Steps in all.</param>
/// <param name="QueuePosition">Jobs ahead of it, on queued events.</param>
/// <param name="EtaSeconds">Seconds left at the pace so far, on progress events.</param>
/// <param name="Error">Why it failed, on failed events.</param>
/// <param name="Reason">Why it was canceled, on canceled events.</param>
/// <param name="ImageCount">Images made, on succeeded events.</param>
/// <param name="ImageIndex">Which image of the job (0 to n − 1) the preview is of.</param>
/// <param name="PartialImageIndex">The preview's index among that image's previews, 0 first.</param>
/// <param name="B64Json">The preview file, base64, in the job's output_format.</param>
public sealed record JobEventData(
    string JobId,
    JobState State,
    int Step,
    int TotalSteps,
    int? QueuePosition = null,
    double? EtaSeconds = null,
    string? Error = null,
    string? Reason = null,
    int ImageCount = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ImageIndex = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? PartialImageIndex = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? B64Json = null);
