namespace TeEFusion.Service.Webhooks;

/// <summary>One delivery: a job event's body, built once when the event happened so every attempt sends the same bytes.</summary>
/// <param name="Id">The webhook-id header: stable per event, so a receiver can drop a repeat (a retry, or a re-run after a crash).</param>
/// <param name="JobId">The job; its messages go out one after another, in order.</param>
/// <param name="Event">started, progress, succeeded, failed or canceled.</param>
/// <param name="Url">The receiver.</param>
/// <param name="Body">The job's JSON (GET /v1/jobs/{id}'s shape) when the event happened.</param>
/// <param name="EventAtMillis">When the event happened (Unix ms), for the delivery latency.</param>
public sealed record WebhookMessage(string Id, string JobId, string Event, string Url, string Body, long EventAtMillis);

/// <summary>A message handed to one delivery loop; <paramref name="Token"/> proves the lease when it completes.</summary>
public sealed record WebhookLease(WebhookMessage Message, string Token);

/// <summary>How a delivery ended.</summary>
public enum WebhookOutcome
{
    /// <summary>A 2xx answer.</summary>
    Delivered,

    /// <summary>Attempts or the deadline ran out, or the destination was refused.</summary>
    Failed,

    /// <summary>410 Gone: the receiver wants no more; the job's later events are not sent.</summary>
    Gone,
}
