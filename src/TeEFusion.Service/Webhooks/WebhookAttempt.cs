namespace TeEFusion.Service.Webhooks;

/// <summary>What one HTTP attempt got: the status (null without an answer), why it failed, and whether a retry may help.</summary>
public sealed record WebhookAttempt(int? Status, string? Error, bool Retry)
{
    /// <summary>410 ends a job's deliveries; any other failure is retried until attempts or the deadline run out.</summary>
    public WebhookOutcome Outcome => Status switch
    {
        >= 200 and < 300 => WebhookOutcome.Delivered,
        410 => WebhookOutcome.Gone,
        _ => WebhookOutcome.Failed,
    };
}
