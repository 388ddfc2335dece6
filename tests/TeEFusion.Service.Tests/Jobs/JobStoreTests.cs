using Microsoft.Extensions.Options;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Tests.Jobs;

public sealed class JobStoreTests
{
    private readonly ManualTime _time = new();
    private static readonly JobSpec Spec = new("p", "", 1, 0, 2, 5, 32, 32);

    private JobStore Store(int ttlSeconds = 60, long maxBytes = 1000) =>
        new(Microsoft.Extensions.Options.Options.Create(new QueueOptions { ResultTtlSeconds = ttlSeconds, MaxStoredBytes = maxBytes }), _time);

    private Job Add(JobStore store, string id, string? key = null, string fingerprint = "f") =>
        store.Create(key, fingerprint, () => new Job(id, Spec, _time.GetUtcNow(), "m", "v")).Job!;

    private void Succeed(Job job, int bytes)
    {
        job.TryStart(_time.GetUtcNow());
        job.TrySucceed([new byte[bytes]], _time.GetUtcNow());
    }

    [Fact]
    public void Finished_jobs_are_evicted_after_the_ttl_and_running_ones_never()
    {
        var store = Store(ttlSeconds: 60);
        var done = Add(store, "done");
        var running = Add(store, "running");
        running.TryStart(_time.GetUtcNow());
        Succeed(done, 10);

        _time.Now += TimeSpan.FromSeconds(59);
        store.Sweep();
        Assert.True(store.TryGet("done", out _));
        _time.Now += TimeSpan.FromSeconds(1);
        store.Sweep();
        Assert.False(store.TryGet("done", out _));
        _time.Now += TimeSpan.FromDays(1);
        store.Sweep();
        Assert.True(store.TryGet("running", out _));
    }

    [Fact]
    public void Over_the_byte_cap_the_oldest_finished_jobs_go_first()
    {
        var store = Store(maxBytes: 1000);
        foreach (var id in new[] { "a", "b", "c" })
        {
            Succeed(Add(store, id), 400);
            _time.Now += TimeSpan.FromSeconds(1);
        }

        store.Sweep();

        Assert.False(store.TryGet("a", out _));
        Assert.True(store.TryGet("b", out _));
        Assert.True(store.TryGet("c", out _));
        Assert.Equal(800, store.StoredImageBytes);
    }

    [Fact]
    public void An_idempotency_key_replays_the_same_job_refuses_another_body_and_is_forgotten_with_its_job()
    {
        var store = Store(ttlSeconds: 10);
        var first = Add(store, "one", key: "k", fingerprint: "body-1");

        var replay = store.Create("k", "body-1", () => throw new InvalidOperationException("must not create"));
        var clash = store.Create("k", "body-2", () => throw new InvalidOperationException("must not create"));

        Assert.Equal(JobCreationOutcome.Existing, replay.Outcome);
        Assert.Same(first, replay.Job);
        Assert.Equal(JobCreationOutcome.KeyReused, clash.Outcome);
        Assert.Null(clash.Job);

        Succeed(first, 1);
        _time.Now += TimeSpan.FromSeconds(10);
        var fresh = store.Create("k", "body-2", () => new Job("two", Spec, _time.GetUtcNow(), null, null));
        Assert.Equal(JobCreationOutcome.Created, fresh.Outcome);
        Assert.Equal("two", fresh.Job!.Id);
    }
}
