using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Redis;

/// <summary>Two replicas (two service hosts in this process) sharing one real redis-server.</summary>
[Collection("Sequential")]
public sealed class RedisScaleOutTests(RedisReplicas replicas) : IClassFixture<RedisReplicas>
{
    [Fact]
    public async Task A_job_created_on_A_is_streamed_and_served_by_B()
    {
        var prefix = RedisReplicas.NewPrefix();
        await using var a = await replicas.StartAsync(prefix);
        await using var b = await replicas.StartAsync(prefix);
        var (clientA, clientB) = (a.CreateClient(), b.CreateClient());

        var id = (await JobApi.CreateJobAsync(clientA, JobApi.Body(steps: 3, seed: 9))).GetProperty("id").GetString()!;
        var events = await ReadEventsAsync(clientB, id);

        // Progress events reach B while the job runs on A (event k + 1 is step k); once it has ended they are folded.
        Assert.Equal(("queued", "1"), (events[0].EventType, events[0].EventId));
        Assert.Equal(("succeeded", "5"), (events[^1].EventType, events[^1].EventId));
        Assert.All(events.Where(e => e.EventType == "progress"), e => Assert.Equal(int.Parse(e.EventId!) - 1, Data(e).GetProperty("step").GetInt32()));
        Assert.Equal([("queued", "1"), ("succeeded", "5")], (await ReadEventsAsync(clientA, id)).Select(e => (e.EventType, e.EventId)));
        var done = await JobApi.GetJobAsync(clientB, id);
        Assert.Equal("succeeded", done.GetProperty("state").GetString());
        var png = await clientB.GetByteArrayAsync(done.GetProperty("images")[0].GetString()!);
        JobApi.AssertPng(png, 32, 32);
        Assert.Equal(png, await clientA.GetByteArrayAsync($"/v1/jobs/{id}/images/0"));

        // The synchronous endpoint too: asked on B, answered with the PNG whichever replica ran it.
        var sync = await JobApi.JsonAsync(await clientB.PostAsJsonAsync("/v1/images/generations", JobApi.Body(steps: 3, seed: 9)));
        Assert.Equal(png, Convert.FromBase64String(sync.GetProperty("data")[0].GetProperty("b64_json").GetString()!));
    }

    [Fact]
    public async Task Cancel_on_B_ends_a_job_running_on_A_at_its_next_step()
    {
        var prefix = RedisReplicas.NewPrefix();
        using var gate = new StepGate();
        await using var a = await replicas.StartAsync(prefix, gate);
        var id = (await JobApi.CreateJobAsync(a.CreateClient(), JobApi.Body(steps: 4))).GetProperty("id").GetString()!;
        await gate.EnteredAsync();
        // B starts only now, so the job is certainly A's.
        await using var b = await replicas.StartAsync(prefix);
        var clientB = b.CreateClient();

        var response = await clientB.DeleteAsync($"/v1/jobs/{id}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("running", (await JobApi.JsonAsync(response)).GetProperty("state").GetString());
        gate.Open();
        var canceled = await JobApi.WaitForStateAsync(clientB, id, "canceled");
        Assert.Equal("Canceled by the client.", canceled.GetProperty("error").GetProperty("message").GetString());
        Assert.True(canceled.GetProperty("step").GetInt32() < 4);
        await ProblemAssert.IsProblemAsync(await clientB.DeleteAsync($"/v1/jobs/{id}"), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_job_whose_replica_dies_mid_run_finishes_on_the_other_after_the_visibility_timeout()
    {
        var prefix = RedisReplicas.NewPrefix();
        using var gate = new StepGate();
        var a = await replicas.StartAsync(prefix, gate, visibilityTimeoutSeconds: 2, ("Worker:DrainTimeoutSeconds", "0"));
        var id = (await JobApi.CreateJobAsync(a.CreateClient(), JobApi.Body(steps: 2, seed: 4))).GetProperty("id").GetString()!;
        await gate.EnteredAsync();
        await using var b = await replicas.StartAsync(prefix, visibilityTimeoutSeconds: 2);
        var clientB = b.CreateClient();

        // A's worker is stuck inside a step, so its shutdown cannot drain: A stops renewing the lease and goes away.
        var killing = a.DisposeAsync().AsTask();
        var done = await JobApi.WaitForStateAsync(clientB, id, "succeeded");

        var events = await ReadEventsAsync(clientB, id);
        // Queued, queued again when A's lease ran out, and the end; the progress events between are folded, ids kept.
        Assert.Equal([("queued", "1"), ("queued", "2"), ("succeeded", "5")], events.Select(e => (e.EventType, e.EventId)));
        Assert.Equal(2, done.GetProperty("step").GetInt32());
        JobApi.AssertPng(await clientB.GetByteArrayAsync($"/v1/jobs/{id}/images/0"), 32, 32);
        gate.Open();
        await killing.WaitAsync(JobApi.Patience);
        // A's worker went on once released, but its lease was gone: nothing more was written.
        Assert.Equal(events.Count, (await ReadEventsAsync(clientB, id)).Count);
    }

    [Fact]
    public async Task A_full_shared_queue_answers_429_on_both_replicas()
    {
        var prefix = RedisReplicas.NewPrefix();
        using var gateA = new StepGate();
        using var gateB = new StepGate();
        (string, string?)[] settings = [("Queue:Capacity", "1"), ("Batching:MaxBatchSize", "1")];
        await using var a = await replicas.StartAsync(prefix, gateA, settings: settings);
        await using var b = await replicas.StartAsync(prefix, gateB, settings: settings);
        HttpClient[] clients = [a.CreateClient(), b.CreateClient()];

        // Each replica runs one job (held in a step) and holds one more claimed; one place is left in the shared queue.
        var accepted = new List<string>();
        HttpResponseMessage refused = null!;
        for (var i = 0; i < 10; i++)
        {
            var response = await clients[i % 2].PostAsJsonAsync("/v1/jobs", JobApi.Body(seed: i));
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                refused = response;
                break;
            }
            accepted.Add((await JobApi.JsonAsync(response)).GetProperty("id").GetString()!);
            await Task.Delay(300);
        }

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.InRange(accepted.Count, 2, 5);
        foreach (var client in clients)
        {
            var again = await client.PostAsJsonAsync("/v1/jobs", JobApi.Body(seed: 99));
            await ProblemAssert.IsProblemAsync(again, HttpStatusCode.TooManyRequests);
            Assert.Equal("2", again.Headers.RetryAfter?.ToString());
        }
        gateA.Open();
        gateB.Open();
        foreach (var id in accepted) await JobApi.WaitForStateAsync(clients[0], id, "succeeded");
    }

    [Fact]
    public async Task An_idempotency_key_used_on_A_returns_the_same_job_on_B_and_refuses_a_different_body()
    {
        var prefix = RedisReplicas.NewPrefix();
        await using var a = await replicas.StartAsync(prefix);
        await using var b = await replicas.StartAsync(prefix);

        var first = await JobApi.JsonAsync(await PostWithKey(a.CreateClient(), JobApi.Body(seed: 31)));
        var again = await PostWithKey(b.CreateClient(), JobApi.Body(seed: 31));
        var other = await PostWithKey(b.CreateClient(), JobApi.Body(seed: 32));

        Assert.Equal(first.GetProperty("id").GetString(), (await JobApi.JsonAsync(again)).GetProperty("id").GetString());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        await ProblemAssert.IsProblemAsync(other, HttpStatusCode.UnprocessableEntity);
        await JobApi.WaitForStateAsync(b.CreateClient(), first.GetProperty("id").GetString()!, "succeeded");
    }

    private static Task<HttpResponseMessage> PostWithKey(HttpClient client, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", "shared-key-1");
        return client.SendAsync(request);
    }

    private static JsonElement Data(SseItem<string> item) => JsonDocument.Parse(item.Data).RootElement;

    private static async Task<List<SseItem<string>>> ReadEventsAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/v1/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var timeout = new CancellationTokenSource(JobApi.Patience);
        var items = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync(timeout.Token)).EnumerateAsync(timeout.Token))
            items.Add(item);
        return items;
    }
}
