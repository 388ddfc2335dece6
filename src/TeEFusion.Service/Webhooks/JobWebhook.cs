using System.Text.Json.Serialization;

namespace TeEFusion.Service.Webhooks;

/// <summary>
/// A job's webhook, kept with its spec (so a shared store carries it to the replica that runs the job).
/// </summary>
/// <param name="Url">Where deliveries are POSTed.</param>
/// <param name="Events">Which events are delivered (<see cref="WebhookEvents"/>).</param>
/// <param name="ServiceBase">The service's base URL as the submitting client saw it, for the links in the delivered job JSON.</param>
public sealed record JobWebhook(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("events")] IReadOnlyList<string> Events,
    [property: JsonPropertyName("service_base")] string ServiceBase);
