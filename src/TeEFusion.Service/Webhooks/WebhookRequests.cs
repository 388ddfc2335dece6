using Microsoft.Extensions.Options;
using TeEFusion.Service.Contracts;

namespace TeEFusion.Service.Webhooks;

/// <summary>
/// Reads a request's webhook and webhook_events into the job's <see cref="JobWebhook"/>, refusing (by field) a malformed URL
/// and one the destination policy refuses before any lookup (literal addresses, hosts off the allowlist).
/// </summary>
public sealed class WebhookRequests(WebhookDestinationPolicy policy, WebhookSigner signer)
{
    public const string UrlField = "webhook";
    public const string EventsField = "webhook_events";
    private const int MaxUrlLength = 2048;

    /// <summary>The job's webhook, or null when the request names none (or is invalid: then <paramref name="errors"/> says why).</summary>
    public JobWebhook? Read(ImageGenerationRequest request, string serviceBase, IDictionary<string, string[]> errors)
    {
        if (request.Webhook is null)
        {
            if (request.WebhookEvents is not null) errors[EventsField] = [$"Needs {UrlField}."];
            return null;
        }
        if (UrlProblem(request.Webhook) is { } problem) errors[UrlField] = [problem];
        var events = request.WebhookEvents ?? WebhookEvents.Terminal;
        var unknown = events.Where(e => !WebhookEvents.All.Contains(e)).ToList();
        if (unknown.Count > 0 || events.Count == 0)
            errors[EventsField] = [$"Each must be one of {string.Join(", ", WebhookEvents.All)}; got {(events.Count == 0 ? "none" : string.Join(", ", unknown))}."];
        return errors.ContainsKey(UrlField) || errors.ContainsKey(EventsField) ? null : new JobWebhook(request.Webhook, events.Distinct().ToList(), serviceBase);
    }

    private string? UrlProblem(string url)
    {
        if (!signer.Enabled) return "Webhooks are off on this service (Webhooks:Secret is not set).";
        if (url.Length > MaxUrlLength) return $"At most {MaxUrlLength} characters.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            return "Must be an absolute http or https URL.";
        if (uri.UserInfo.Length > 0) return "Must not carry a user name or password.";
        return policy.RefuseHost(uri.Host) is { } refusal ? $"Refused by the destination policy: {refusal}" : null;
    }
}
