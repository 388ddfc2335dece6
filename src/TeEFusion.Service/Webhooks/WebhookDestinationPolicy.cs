using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace TeEFusion.Service.Webhooks;

/// <summary>
/// Where webhooks may go (server-side request forgery guard): a host on Webhooks:AllowedHosts (when that is set), at an
/// address that is public or inside Webhooks:AllowedNetworks. Applied to the URL at submission (literal addresses) and to
/// every resolved address at connect time (<see cref="WebhookConnector"/>).
/// </summary>
public sealed class WebhookDestinationPolicy
{
    // Not reachable as "the internet": RFC 6890's special-purpose ranges a receiver has no business being in.
    private static readonly IPNetwork[] Special = new[]
    {
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
        "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8", "64:ff9b::/96", "2001:db8::/32",
    }.Select(n => IPNetwork.Parse(n)).ToArray();

    private readonly IReadOnlyList<string> _hosts;
    private readonly IReadOnlyList<IPNetwork> _networks;

    public WebhookDestinationPolicy(IOptions<WebhooksOptions> options)
    {
        _hosts = options.Value.AllowedHosts;
        _networks = options.Value.AllowedNetworks.Select(IPNetwork.Parse).ToList();
    }

    /// <summary>Why <paramref name="address"/> is refused, or null when a webhook may connect to it.</summary>
    public string? RefuseAddress(IPAddress address)
    {
        // ::ffff:10.0.0.1 is 10.0.0.1 to the kernel; judge (and allow) it as such.
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (_networks.Any(n => n.Contains(plain))) return null;
        // IPNetwork is a struct: FirstOrDefault alone would answer 0.0.0.0/0 for "none".
        return Special.Where(n => n.Contains(plain)).Select(n => (IPNetwork?)n).FirstOrDefault() is { } range
            ? $"{address} is in the special-purpose range {range} (private, loopback, link-local, multicast or reserved); allow it with Webhooks:AllowedNetworks."
            : null;
    }

    /// <summary>Why <paramref name="host"/> (a name or a literal address) is refused before any lookup, or null.</summary>
    public string? RefuseHost(string host)
    {
        var bare = host.Trim('[', ']');
        if (_hosts.Count > 0 && !_hosts.Any(allowed => Matches(allowed, bare)))
        {
            // A literal address inside an allowed network passes without being listed as a host.
            if (!IPAddress.TryParse(bare, out var listed) || !_networks.Any(n => n.Contains(listed.IsIPv4MappedToIPv6 ? listed.MapToIPv4() : listed)))
                return $"{host} is not on Webhooks:AllowedHosts.";
        }
        return IPAddress.TryParse(bare, out var literal) ? RefuseAddress(literal) : null;
    }

    /// <summary>True when <paramref name="text"/> is a CIDR this policy can use (for the options' validation).</summary>
    public static bool IsNetwork(string text) => IPNetwork.TryParse(text, out _);

    private static bool Matches(string allowed, string host) => allowed.StartsWith("*.", StringComparison.Ordinal)
        ? host.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase)
        : string.Equals(allowed, host, StringComparison.OrdinalIgnoreCase);
}
