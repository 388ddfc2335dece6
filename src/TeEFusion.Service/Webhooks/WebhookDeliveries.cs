using System.Text.Json.Serialization;

namespace TeEFusion.Service.Webhooks;

/// <summary>A job's webhook as its JSON shows it (never the secret).</summary>
public sealed record JobWebhookStatus(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("events")] IReadOnlyList<string> Events,
    [property: JsonPropertyName("deliveries")] WebhookDeliveries Deliveries);

/// <summary>What a job's webhook deliveries did so far.</summary>
/// <param name="Attempted">HTTP attempts made (retries included).</param>
/// <param name="Delivered">Events delivered (a 2xx answer).</param>
/// <param name="Failed">Events given up (attempts or deadline exhausted, refused destination, or 410).</param>
/// <param name="LastStatus">The last attempt's HTTP status; null when it got no answer.</param>
/// <param name="LastError">Why the last attempt failed; null after a success.</param>
public sealed record WebhookDeliveries(
    [property: JsonPropertyName("attempted")] int Attempted,
    [property: JsonPropertyName("delivered")] int Delivered,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("last_status")] int? LastStatus,
    [property: JsonPropertyName("last_error")] string? LastError)
{
    public static readonly WebhookDeliveries None = new(0, 0, 0, null, null);
}
