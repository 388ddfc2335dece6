using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace TeEFusion.Service.Webhooks;

/// <summary>
/// The webhook client's connection handler. It resolves the host itself, checks every address against
/// <see cref="WebhookDestinationPolicy"/> and connects only to one that passed, so a name cannot be rebound to a private
/// address between the check and the connect. Redirects are not followed and no proxy is used (either would connect
/// somewhere unchecked).
/// </summary>
public sealed class WebhookConnector(WebhookDestinationPolicy policy, WebhookHostResolver resolver, IOptions<WebhooksOptions> options)
{
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(options.Value.ConnectTimeoutSeconds),
        // Re-resolve (and re-check) regularly rather than reuse a connection to an address a name no longer has.
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        MaxResponseHeadersLength = 16,
        ConnectCallback = ConnectAsync,
    };

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellation)
    {
        var host = context.DnsEndPoint.Host;
        if (policy.RefuseHost(host) is { } refusal) throw new WebhookRefusedException(refusal);
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await resolver.ResolveAsync(host, cancellation).ConfigureAwait(false);
        var refusals = addresses.Select(a => (Address: a, Refusal: policy.RefuseAddress(a))).ToList();
        var allowed = refusals.Where(r => r.Refusal is null).Select(r => r.Address).ToList();
        if (allowed.Count == 0)
            throw new WebhookRefusedException($"{host} resolves to no allowed address: {string.Join(" ", refusals.Select(r => r.Refusal))}");
        SocketException? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, context.DnsEndPoint.Port, cancellation).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }
}
