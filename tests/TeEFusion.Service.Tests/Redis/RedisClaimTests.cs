using Microsoft.Extensions.DependencyInjection;
using TeEFusion.Service.Jobs.Redis;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Redis;

/// <summary>
/// How much work a replica takes from the shared queue (<see cref="ClaimPolicy"/>), on real replicas and a real
/// redis-server: its batch and a bounded prefetch, no more, and a prefetched job it cannot start goes to another replica.
/// The workers are held inside a step (<see cref="StepGate"/>), so what each replica holds is seen at a known moment.
/// </summary>
[Collection("Sequential")]
public sealed class RedisClaimTests(RedisReplicas replicas) : IClassFixture<RedisReplicas>
{
    [Fact]
    public async Task A_replica_with_a_batch_of_4_holds_4_jobs_plus_the_prefetch_and_leaves_the_rest_queued()
    {
        var prefix = RedisReplicas.NewPrefix();
        using var gate = new StepGate();
        await using var a = await replicas.StartAsync(prefix, gate, settings: Settings(batch: 4, giveBackMs: 60_000));
        var client = a.CreateClient();

        var ids = new List<string> { await SubmitAsync(client, 0) };
        await gate.EnteredAsync();
        for (var i = 1; i < 10; i++) ids.Add(await SubmitAsync(client, i));

        var (relay, leases) = Claims(a);
        Assert.True(await ServiceFactory.EventuallyAsync(async () => relay.Held == 5 && await leases.PendingAsync(default) == 5, JobApi.Patience));
        // Further wake-ups (the poll, new work) take nothing more while the worker has not moved.
        ids.Add(await SubmitAsync(client, 10));
        await Task.Delay(600);
        Assert.Equal(5, relay.Held);
        Assert.Equal(6, await leases.PendingAsync(default));

        gate.Open();
        foreach (var id in ids) await JobApi.WaitForStateAsync(client, id, "succeeded");
    }

    [Fact]
    public async Task Two_replicas_share_a_burst_neither_takes_more_than_its_batch_and_prefetch()
    {
        var prefix = RedisReplicas.NewPrefix();
        using var gateA = new StepGate();
        using var gateB = new StepGate();
        await using var a = await replicas.StartAsync(prefix, gateA, settings: Settings(batch: 2, giveBackMs: 60_000));
        await using var b = await replicas.StartAsync(prefix, gateB, settings: Settings(batch: 2, giveBackMs: 60_000));
        var client = a.CreateClient();

        var ids = new List<string>();
        for (var i = 0; i < 8; i++) ids.Add(await SubmitAsync(client, i));

        var (relayA, leases) = Claims(a);
        var (relayB, _) = Claims(b);
        Assert.True(await ServiceFactory.EventuallyAsync(async () => relayA.Held == 3 && relayB.Held == 3 && await leases.PendingAsync(default) == 2,
            JobApi.Patience), $"A holds {relayA.Held}, B holds {relayB.Held}");

        gateA.Open();
        gateB.Open();
        foreach (var id in ids) await JobApi.WaitForStateAsync(client, id, "succeeded");
    }

    [Fact]
    public async Task A_prefetched_job_not_started_within_the_bound_is_given_back_and_run_by_the_other_replica()
    {
        var prefix = RedisReplicas.NewPrefix();
        using var gate = new StepGate();
        await using var a = await replicas.StartAsync(prefix, gate, settings: Settings(batch: 1, giveBackMs: 300));
        var client = a.CreateClient();
        var running = await SubmitAsync(client, 1);
        await gate.EnteredAsync();
        var prefetched = await SubmitAsync(client, 2);

        // A runs one job (held in its step) and prefetched the other; its worker cannot start it, so it goes back.
        var done = await StartAndWaitAsync(prefix, prefetched);

        Assert.Equal("running", (await JobApi.GetJobAsync(client, running)).GetProperty("state").GetString());
        Assert.Equal("succeeded", done.GetProperty("state").GetString());
        Assert.Equal(1, Claims(a).Relay.Held);
        gate.Open();
        await JobApi.WaitForStateAsync(client, running, "succeeded");
    }

    private async Task<System.Text.Json.JsonElement> StartAndWaitAsync(string prefix, string id)
    {
        await using var b = await replicas.StartAsync(prefix, settings: Settings(batch: 1, giveBackMs: 60_000));
        return await JobApi.WaitForStateAsync(b.CreateClient(), id, "succeeded");
    }

    private static (string, string?)[] Settings(int batch, int giveBackMs) =>
    [
        ("Batching:MaxBatchSize", batch.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Redis:PrefetchJobs", "1"),
        ("Redis:PrefetchGiveBackMilliseconds", giveBackMs.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    private static (RedisJobRelay Relay, RedisJobLeases Leases) Claims(ServiceFactory replica) =>
        (replica.Services.GetRequiredService<RedisJobRelay>(), replica.Services.GetRequiredService<RedisJobLeases>());

    private static async Task<string> SubmitAsync(HttpClient client, int seed) =>
        (await JobApi.CreateJobAsync(client, JobApi.Body(seed: seed))).GetProperty("id").GetString()!;
}
