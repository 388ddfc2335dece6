using TeEFusion.Service.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Jobs.Redis;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Redis;

/// <summary>
/// The Redis store's leases and expiry, driven directly on a host without a model (so its own worker never claims
/// anything): a lease that expired cannot complete the job, and finished jobs, their images and keys expire.
/// </summary>
[Collection("Sequential")]
public sealed class RedisLeaseTests(RedisReplicas replicas) : IClassFixture<RedisReplicas>
{
    private static readonly JobSpec Spec = TestSpecs.Of("a lease", "", 1, 5, 2, 4.0, 32, 32);

    [Fact]
    public async Task An_expired_lease_cannot_finish_the_requeued_job_and_a_job_finishes_once()
    {
        await using var host = Host(visibilityTimeoutSeconds: 1, ttlSeconds: 600);
        var (store, leases) = Services(host);
        var job = new Job("job_lease_" + Guid.NewGuid().ToString("N"), Spec, DateTimeOffset.UtcNow, "m", "v");
        Assert.IsType<Submission.Accepted>(await store.SubmitAsync(job, null, "fp", default));

        // Asked for two, it gets the one that waits, leased to the first token.
        var (token, fields) = Assert.Single(await leases.ClaimAsync(["first", "second"], default));
        Assert.Equal(("first", job.Id), (token, (string?)fields["id"]));
        Assert.Empty(await leases.ClaimAsync(["nobody"], default));
        var local = new Job(job.Id, Spec, job.CreatedAt, "m", "v");
        local.TryStart(DateTimeOffset.UtcNow);
        Assert.True(await leases.UpdateAsync("first", local.Snapshot(DateTimeOffset.UtcNow), null, [], default));
        Assert.Equal(JobState.Running, (await store.GetAsync(job.Id, default))!.Snapshot.State);

        // "first" stops renewing: after the visibility timeout the host's relay puts the job back in the queue.
        Assert.True(await ServiceFactory.EventuallyAsync(async () => (await store.GetAsync(job.Id, default))!.Snapshot.State == JobState.Queued,
            TimeSpan.FromSeconds(15)));
        Assert.Single(await leases.ClaimAsync(["second"], default));
        byte[] png = [0x89, 1, 2, 3];
        local.TrySucceed([png], DateTimeOffset.UtcNow);
        var final = await LastEventAsync(local);

        Assert.False(await leases.UpdateAsync("first", local.Snapshot(DateTimeOffset.UtcNow), final, [png], default));
        Assert.True(await leases.UpdateAsync("second", local.Snapshot(DateTimeOffset.UtcNow), final, [png], default));
        Assert.False(await leases.UpdateAsync("second", local.Snapshot(DateTimeOffset.UtcNow), final, [png], default));

        var events = new List<JobEvent>();
        await foreach (var entry in store.ReadEventsAsync(job.Id, 0, default)) events.Add(entry);
        Assert.Equal(["queued", "queued", "succeeded"], events.Select(e => e.Type));
        Assert.Equal([1L, 2, 3], events.Select(e => e.Id));
        Assert.Equal(png, await store.GetImageAsync(job.Id, 0, default));
    }

    [Fact]
    public async Task A_finished_job_its_images_and_its_idempotency_key_expire_after_the_result_ttl()
    {
        await using var host = Host(visibilityTimeoutSeconds: 30, ttlSeconds: 1);
        var (store, leases) = Services(host);
        var job = new Job("job_ttl_" + Guid.NewGuid().ToString("N"), Spec, DateTimeOffset.UtcNow, null, null);
        Assert.IsType<Submission.Accepted>(await store.SubmitAsync(job, "key-1", "fp-1", default));
        Assert.Equal(SubmissionRefusal.KeyReused, Assert.IsType<Submission.Refused>(await store.SubmitAsync(Another(), "key-1", "fp-2", default)).Reason);
        Assert.Single(await leases.ClaimAsync(["only"], default));
        var local = new Job(job.Id, Spec, job.CreatedAt, null, null);
        local.TryStart(DateTimeOffset.UtcNow);
        local.TrySucceed([[1, 2]], DateTimeOffset.UtcNow);
        Assert.True(await leases.UpdateAsync("only", local.Snapshot(DateTimeOffset.UtcNow), await LastEventAsync(local), [[1, 2]], default));
        Assert.Equal(JobState.Succeeded, (await store.GetAsync(job.Id, default))!.Snapshot.State);

        Assert.True(await ServiceFactory.EventuallyAsync(async () => await store.GetAsync(job.Id, default) is null, TimeSpan.FromSeconds(10)));
        Assert.Null(await store.GetImageAsync(job.Id, 0, default));
        Assert.IsType<Submission.Accepted>(await store.SubmitAsync(Another(), "key-1", "fp-2", default));
    }

    private ServiceFactory Host(int visibilityTimeoutSeconds, int ttlSeconds) =>
        new(modelPath: null, replicas.Redis.ReplicaSettings(RedisReplicas.NewPrefix(), visibilityTimeoutSeconds)
            .Append((Key: "Queue:ResultTtlSeconds", Value: (string?)ttlSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .ToDictionary(s => s.Key, s => s.Value));

    private static (RedisJobStore Store, RedisJobLeases Leases) Services(ServiceFactory host) =>
        (host.Services.GetRequiredService<RedisJobStore>(), host.Services.GetRequiredService<RedisJobLeases>());

    private static Job Another() => new("job_other_" + Guid.NewGuid().ToString("N"), Spec, DateTimeOffset.UtcNow, null, null);

    private static async Task<JobEvent> LastEventAsync(Job job)
    {
        JobEvent? last = null;
        await foreach (var entry in job.Events.ReadAsync(0)) last = entry;
        return last!;
    }
}
