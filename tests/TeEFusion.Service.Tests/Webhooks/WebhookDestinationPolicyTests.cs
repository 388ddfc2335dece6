using System.Net;
using TeEFusion.Service.Webhooks;

namespace TeEFusion.Service.Tests.Webhooks;

public sealed class WebhookDestinationPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.255.0.1")]
    [InlineData("172.16.5.4")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.251")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:192.168.1.1")]
    [InlineData("64:ff9b::a00:1")]
    public void Special_addresses_are_refused_by_default(string address) =>
        Assert.NotNull(Policy().RefuseAddress(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_pass(string address) => Assert.Null(Policy().RefuseAddress(IPAddress.Parse(address)));

    [Fact]
    public void Allowed_networks_open_their_addresses_only_in_either_spelling()
    {
        var policy = Policy(networks: ["10.20.0.0/16"]);

        Assert.Null(policy.RefuseAddress(IPAddress.Parse("10.20.3.4")));
        Assert.Null(policy.RefuseAddress(IPAddress.Parse("::ffff:10.20.3.4")));
        Assert.NotNull(policy.RefuseAddress(IPAddress.Parse("10.21.0.1")));
    }

    [Fact]
    public void An_allowlist_of_hosts_refuses_every_other_host()
    {
        var policy = Policy(hosts: ["hooks.example.com", "*.customers.example"], networks: ["10.0.0.0/8"]);

        Assert.Null(policy.RefuseHost("hooks.example.com"));
        Assert.Null(policy.RefuseHost("HOOKS.example.com"));
        Assert.Null(policy.RefuseHost("a.customers.example"));
        Assert.Null(policy.RefuseHost("10.1.1.1"));
        Assert.NotNull(policy.RefuseHost("evil.example.com"));
        Assert.NotNull(policy.RefuseHost("customers.example.evil"));
        Assert.NotNull(policy.RefuseHost("8.8.8.8"));
    }

    private static WebhookDestinationPolicy Policy(string[]? hosts = null, string[]? networks = null) =>
        new(Microsoft.Extensions.Options.Options.Create(new WebhooksOptions { AllowedHosts = hosts ?? [], AllowedNetworks = networks ?? [] }));
}
