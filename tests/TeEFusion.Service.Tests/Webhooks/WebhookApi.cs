using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;
using TeEFusion.Service.Webhooks;

namespace TeEFusion.Service.Tests.Webhooks;

/// <summary>Settings, request bodies and checks shared by the webhook tests.</summary>
public static class WebhookApi
{
    public static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public static readonly string Secret = "whsec_" + Convert.ToBase64String(Key);

    /// <summary>Webhooks on, short retry delays, and (with <paramref name="loopback"/>) 127.0.0.0/8 allowed for the receiver.</summary>
    public static (string Key, string? Value)[] Settings(bool loopback = true, params (string Key, string? Value)[] more) =>
    [
        ("Webhooks:Secret", Secret),
        .. loopback ? [("Webhooks:AllowedNetworks:0", "127.0.0.0/8")] : Array.Empty<(string, string?)>(),
        ("Webhooks:FirstRetryDelayMilliseconds", "50"),
        ("Webhooks:MaxRetryDelaySeconds", "1"),
        .. more,
    ];

    public static Dictionary<string, object?> Body(string url, params string[] events)
    {
        var body = JobApi.Body();
        body["webhook"] = url;
        if (events.Length > 0) body["webhook_events"] = events;
        return body;
    }

    /// <summary>The spec's signature, written here independently of the service: v1, + base64(HMAC-SHA256(key, "id.timestamp.body")).</summary>
    public static string Signature(ReceivedWebhook hook) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes($"{hook.Id}.{hook.Headers["webhook-timestamp"]}.{hook.Body}")));

    /// <summary>Checks the signature both ways: the spec's algorithm above, and the StandardWebhooks library's verifier.</summary>
    public static void AssertSigned(ReceivedWebhook hook)
    {
        Assert.Equal(Signature(hook), hook.Headers["webhook-signature"].ToString());
        new StandardWebhook(Secret).Verify(hook.Body, hook.Headers);
        var tampered = hook.Body.Replace("\"state\"", "\"State\"", StringComparison.Ordinal);
        Assert.ThrowsAny<Exception>(() => new StandardWebhook(Secret).Verify(tampered, hook.Headers));
    }

    /// <summary>Polls the job until its webhook deliveries satisfy <paramref name="condition"/>; returns the job.</summary>
    public static async Task<JsonElement> WaitForDeliveriesAsync(HttpClient client, string id, Func<JsonElement, bool> condition)
    {
        JsonElement job = default;
        var reached = await ServiceFactory.EventuallyAsync(async () =>
        {
            job = await JobApi.GetJobAsync(client, id);
            return job.TryGetProperty("webhook", out var hook) && condition(hook.GetProperty("deliveries"));
        }, JobApi.Patience);
        Assert.True(reached, $"the deliveries of job {id} never got there: {job}");
        return job;
    }

    public static int Count(this JsonElement deliveries, string name) => deliveries.GetProperty(name).GetInt32();

    /// <summary>A resolver that answers from a table (tests may name hosts that do not exist).</summary>
    public sealed class MapResolver(Dictionary<string, IPAddress[]> names) : WebhookHostResolver
    {
        public override Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellation) =>
            names.TryGetValue(host, out var addresses) ? Task.FromResult(addresses) : base.ResolveAsync(host, cancellation);
    }
}
