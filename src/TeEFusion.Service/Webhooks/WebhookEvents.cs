namespace TeEFusion.Service.Webhooks;

/// <summary>The job events a webhook may ask for, as the request's webhook_events spells them.</summary>
public static class WebhookEvents
{
    public const string Started = "started";
    public const string Progress = "progress";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    public static readonly IReadOnlyList<string> All = [Started, Progress, Succeeded, Failed, Canceled];

    /// <summary>What a webhook without webhook_events is told of: the job's end, however it ends.</summary>
    public static readonly IReadOnlyList<string> Terminal = [Succeeded, Failed, Canceled];
}
