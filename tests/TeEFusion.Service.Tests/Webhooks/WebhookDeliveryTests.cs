using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TeEFusion.Service.Models;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Webhooks;

/// <summary>Deliveries from the real service (in-process provider) to a real receiver on loopback.</summary>
[Collection("Sequential")]
public sealed class WebhookDeliveryTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>
{
    [Fact]
    public async Task Started_progress_and_succeeded_arrive_in_order_signed_and_shaped_like_the_job()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var service = await StartAsync();
        var client = service.CreateClient();

        var id = await CreateAsync(client, WebhookApi.Body(receiver.Url, "started", "progress", "succeeded"));
        var received = await receiver.WaitForAsync(4);

        Assert.Equal(["running", "running", "running", "succeeded"], received.Select(r => r.State));
        Assert.Equal([0, 1, 2, 2], received.Select(r => r.Json.GetProperty("step").GetInt32()));
        Assert.Equal(4, received.Select(r => r.Id).Distinct().Count());
        Assert.All(received, r => Assert.Equal(id, r.Json.GetProperty("id").GetString()));
        Assert.All(received, WebhookApi.AssertSigned);
        Assert.All(received, r => Assert.InRange(long.Parse(r.Headers["webhook-timestamp"]!), r.At.AddMinutes(-1).ToUnixTimeSeconds(), r.At.ToUnixTimeSeconds()));
        var job = await WebhookApi.WaitForDeliveriesAsync(client, id, d => d.Count("delivered") == 4);
        var hook = job.GetProperty("webhook");
        Assert.Equal(receiver.Url, hook.GetProperty("url").GetString());
        Assert.Equal(["started", "progress", "succeeded"], hook.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(4, hook.GetProperty("deliveries").Count("attempted"));
        Assert.Equal(204, hook.GetProperty("deliveries").GetProperty("last_status").GetInt32());
        // The body is GET /v1/jobs/{id}'s shape, with the same links; the secret is in neither.
        Assert.Equal(Names(job), Names(received[^1].Json));
        Assert.Equal(job.GetProperty("images").ToString(), received[^1].Json.GetProperty("images").ToString());
        Assert.DoesNotContain("whsec_", job.ToString());
        Assert.All(received, r => Assert.DoesNotContain("whsec_", r.Body));
        // The instruments: deliveries by outcome, their latency, and what is pending.
        string metrics = "";
        Assert.True(await ServiceFactory.EventuallyAsync(async () =>
        {
            metrics = await client.GetStringAsync("/metrics");
            return metrics.Split('\n').Any(line => line.StartsWith("teefusion_webhooks_deliveries_total{", StringComparison.Ordinal)
                && line.Contains("outcome=\"delivered\"} 4", StringComparison.Ordinal));
        }, JobApi.Patience), metrics);
        Assert.Contains("teefusion_webhooks_delivery_latency_seconds_count", metrics);
        Assert.Contains("teefusion_webhooks_pending", metrics);
    }

    [Fact]
    public async Task A_delivery_is_retried_after_a_500_and_a_timeout_under_the_same_id()
    {
        await using var receiver = await WebhookReceiver.StartAsync(async (context, n) =>
        {
            if (n == 0)
            {
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync("busy, try later");
            }
            else if (n == 1)
            {
                // Longer than the attempt timeout: the service gives up on this attempt and tries again.
                await Task.Delay(TimeSpan.FromSeconds(3));
            }
            else context.Response.StatusCode = 200;
        });
        await using var service = await StartAsync(("Webhooks:AttemptTimeoutSeconds", "1"));
        var client = service.CreateClient();

        var id = await CreateAsync(client, WebhookApi.Body(receiver.Url));
        var job = await WebhookApi.WaitForDeliveriesAsync(client, id, d => d.Count("delivered") == 1);

        var received = receiver.Received;
        Assert.Equal(3, received.Count);
        Assert.Single(received.Select(r => r.Id).Distinct());
        Assert.All(received, r => Assert.Equal("succeeded", r.State));
        Assert.All(received, WebhookApi.AssertSigned);
        var deliveries = job.GetProperty("webhook").GetProperty("deliveries");
        Assert.Equal((3, 1, 0), (deliveries.Count("attempted"), deliveries.Count("delivered"), deliveries.Count("failed")));
        Assert.Equal(200, deliveries.GetProperty("last_status").GetInt32());
        Assert.Equal(JsonValueKind.Null, deliveries.GetProperty("last_error").ValueKind);
    }

    [Fact]
    public async Task A_410_stops_the_jobs_deliveries()
    {
        await using var receiver = await WebhookReceiver.StartAsync((context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status410Gone;
            return Task.CompletedTask;
        });
        await using var service = await StartAsync();
        var client = service.CreateClient();

        var id = await CreateAsync(client, WebhookApi.Body(receiver.Url, "started", "progress", "succeeded"));
        await JobApi.WaitForStateAsync(client, id, "succeeded");
        var job = await WebhookApi.WaitForDeliveriesAsync(client, id, d => d.Count("failed") == 1);
        await Task.Delay(500);

        // The started event got the 410; progress and succeeded were never sent.
        Assert.Equal("running", receiver.Received.Single().State);
        var deliveries = (await JobApi.GetJobAsync(client, id)).GetProperty("webhook").GetProperty("deliveries");
        Assert.Equal((1, 0, 1), (deliveries.Count("attempted"), deliveries.Count("delivered"), deliveries.Count("failed")));
        Assert.Equal(410, deliveries.GetProperty("last_status").GetInt32());
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_leaves_the_job_succeeded_and_says_why()
    {
        await using var receiver = await WebhookReceiver.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("receiver broke: " + new string('x', 5000));
        });
        await using var service = await StartAsync(("Webhooks:MaxAttempts", "2"), ("Webhooks:MaxResponseBytes", "64"));
        var client = service.CreateClient();

        var id = await CreateAsync(client, WebhookApi.Body(receiver.Url));
        var job = await WebhookApi.WaitForDeliveriesAsync(client, id, d => d.Count("failed") == 1);

        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        Assert.Equal(2, receiver.Received.Count);
        var deliveries = job.GetProperty("webhook").GetProperty("deliveries");
        Assert.Equal((2, 0), (deliveries.Count("attempted"), deliveries.Count("delivered")));
        Assert.Equal(500, deliveries.GetProperty("last_status").GetInt32());
        var error = deliveries.GetProperty("last_error").GetString()!;
        Assert.StartsWith("HTTP 500: receiver broke: xxx", error);
        // Only Webhooks:MaxResponseBytes of the body were read.
        Assert.True(error.Length < 100, error);
    }

    [Fact]
    public async Task A_redirect_is_not_followed()
    {
        await using var receiver = await WebhookReceiver.StartAsync((context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = "/elsewhere";
            return Task.CompletedTask;
        });
        await using var service = await StartAsync(("Webhooks:MaxAttempts", "1"));
        var client = service.CreateClient();

        var id = await CreateAsync(client, WebhookApi.Body(receiver.Url));
        var job = await WebhookApi.WaitForDeliveriesAsync(client, id, d => d.Count("failed") == 1);

        Assert.Equal(["/hook"], receiver.Received.Select(r => r.Path));
        var deliveries = job.GetProperty("webhook").GetProperty("deliveries");
        Assert.Equal(307, deliveries.GetProperty("last_status").GetInt32());
        Assert.Contains("not followed", deliveries.GetProperty("last_error").GetString());
    }

    private async Task<ServiceFactory> StartAsync(params (string Key, string? Value)[] settings)
    {
        var service = ServiceFactory.For(model, WebhookApi.Settings(more: settings));
        Assert.Equal(ModelHostState.Ready, await service.WaitForModelAsync());
        return service;
    }

    private static async Task<string> CreateAsync(HttpClient client, object body) =>
        (await JobApi.CreateJobAsync(client, body)).GetProperty("id").GetString()!;

    private static List<string> Names(JsonElement json) => json.EnumerateObject().Select(p => p.Name).ToList();
}
