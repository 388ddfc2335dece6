using System.Net;

namespace TeEFusion.Service.Webhooks;

/// <summary>Looks up a webhook's host at connect time (DNS); tests replace it to map names to chosen addresses.</summary>
public class WebhookHostResolver
{
    public virtual Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellation) => Dns.GetHostAddressesAsync(host, cancellation);
}
