using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Redis;

namespace TeEFusion.Service.Tests.Webhooks;

/// <summary>Webhooks with the Redis provider: two replicas over one real redis-server.</summary>
[Collection("Sequential")]
public sealed class RedisWebhookTests(RedisReplicas replicas) : IClassFixture<RedisReplicas>
{
    [Fact]
    public async Task A_delivery_whose_replica_dies_mid_request_is_delivered_by_the_other_under_the_same_id()
    {
        var prefix = RedisReplicas.NewPrefix();
        await using var receiver = await WebhookReceiver.StartAsync(async (context, n) =>
        {
            if (n > 0) return;
            try
            {
                // The first request is held until its sender goes away.
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // Replica A died mid-delivery.
            }
        });
        var settings = WebhookApi.Settings(more: ("Webhooks:LeaseSeconds", "2"));
        var a = await replicas.StartAsync(prefix, settings: settings);
        var id = (await JobApi.CreateJobAsync(a.CreateClient(), WebhookApi.Body(receiver.Url))).GetProperty("id").GetString()!;
        var first = (await receiver.WaitForAsync(1))[0];
        // B starts only now, so A certainly holds the delivery.
        await using var b = await replicas.StartAsync(prefix, settings: settings);
        var clientB = b.CreateClient();

        await a.DisposeAsync();
        var job = await WebhookApi.WaitForDeliveriesAsync(clientB, id, d => d.Count("delivered") == 1);

        var received = receiver.Received;
        Assert.Equal(2, received.Count);
        Assert.Equal(first.Id, received[1].Id);
        Assert.Equal(first.Body, received[1].Body);
        Assert.All(received, WebhookApi.AssertSigned);
        Assert.Equal("succeeded", received[1].State);
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        var deliveries = job.GetProperty("webhook").GetProperty("deliveries");
        // A died before its attempt ended, so only B's attempt is counted.
        Assert.Equal((1, 1, 0), (deliveries.Count("attempted"), deliveries.Count("delivered"), deliveries.Count("failed")));
    }

    [Fact]
    public async Task Events_of_a_job_run_through_redis_arrive_in_order_and_a_queued_cancel_is_delivered()
    {
        var prefix = RedisReplicas.NewPrefix();
        await using var receiver = await WebhookReceiver.StartAsync();
        using var gate = new StepGate();
        await using var service = await replicas.StartAsync(prefix, gate, settings: WebhookApi.Settings());
        var client = service.CreateClient();

        var running = (await JobApi.CreateJobAsync(client, WebhookApi.Body(receiver.Url, "started", "progress", "succeeded"))).GetProperty("id").GetString()!;
        await gate.EnteredAsync();
        // The worker is held in the first job's step, so this one stays queued until it is canceled.
        var queued = (await JobApi.CreateJobAsync(client, WebhookApi.Body(receiver.Url))).GetProperty("id").GetString()!;
        await client.DeleteAsync($"/v1/jobs/{queued}");
        gate.Open();
        await WebhookApi.WaitForDeliveriesAsync(client, running, d => d.Count("delivered") == 4);
        await WebhookApi.WaitForDeliveriesAsync(client, queued, d => d.Count("delivered") >= 1);

        var received = receiver.Received;
        Assert.Equal(["running", "running", "running", "succeeded"], received.Where(r => r.Json.GetProperty("id").GetString() == running).Select(r => r.State));
        Assert.Equal("canceled", received.First(r => r.Json.GetProperty("id").GetString() == queued).State);
        Assert.All(received, WebhookApi.AssertSigned);
    }
}
