using System.ComponentModel.DataAnnotations;

namespace TeEFusion.Service.Webhooks;

/// <summary>Job webhooks (section "Webhooks"): the signing secret, where deliveries may go, and how hard they are tried.</summary>
public sealed class WebhooksOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// The Standard Webhooks signing secret, <c>whsec_</c> + base64 of 24 to 64 random bytes. Several, space-separated,
    /// while rotating: each delivery carries one signature per secret. Empty turns webhooks off (a request naming one gets 400).
    /// </summary>
    public string Secret { get; set; } = "";

    /// <summary>Host names a webhook may target ("hooks.example.com", or "*.example.com" for its subdomains); empty allows any.</summary>
    public string[] AllowedHosts { get; set; } = [];

    /// <summary>
    /// CIDRs (e.g. "10.20.0.0/16") whose addresses are allowed although they are private, loopback, link-local, unique-local
    /// or otherwise special; every other special address is refused, before and after DNS resolution.
    /// </summary>
    public string[] AllowedNetworks { get; set; } = [];

    /// <summary>HTTP attempts per delivery, the first included.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait before the first retry; each next one doubles it (with jitter), up to <see cref="MaxRetryDelaySeconds"/>.</summary>
    [Range(1, 600_000)]
    public int FirstRetryDelayMilliseconds { get; set; } = 1000;

    [Range(1, 3600)]
    public int MaxRetryDelaySeconds { get; set; } = 60;

    /// <summary>One attempt's limit: connect, send, and the response headers.</summary>
    [Range(1, 300)]
    public int AttemptTimeoutSeconds { get; set; } = 10;

    [Range(1, 300)]
    public int ConnectTimeoutSeconds { get; set; } = 5;

    /// <summary>All attempts of one delivery together; then it is given up (counted as failed).</summary>
    [Range(1, 86_400)]
    public int DeadlineSeconds { get; set; } = 600;

    /// <summary>Bytes of a failed attempt's response body read (for the job's last_error); the rest is never read.</summary>
    [Range(0, 1 << 20)]
    public int MaxResponseBytes { get; set; } = 1024;

    /// <summary>Deliveries in flight at once (for different jobs; one job's are always sent one after another).</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 8;

    /// <summary>
    /// Events between the device worker and the outbox. The worker never waits for it: when it is full (the outbox,
    /// e.g. Redis, has been unreachable for that many events) an event is dropped, logged and counted.
    /// </summary>
    [Range(16, 1_000_000)]
    public int BufferCapacity { get; set; } = 10_000;

    /// <summary>Redis provider: a replica that stops renewing a delivery's lease (crashed) loses it this long after the last renewal.</summary>
    [Range(1, 3600)]
    public int LeaseSeconds { get; set; } = 30;
}
