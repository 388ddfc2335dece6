using TeEFusion.Service.Jobs;
using TeEFusion.Service.Options;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Tests.Jobs;

/// <summary>The in-process store's table: retention, the byte cap, idempotency keys and a full queue.</summary>
public sealed class JobStoreTests : IDisposable
{
    private static readonly JobSpec Spec = TestSpecs.Of("p", "", 1, 0, 2, 5, 32, 32);
    private readonly ManualTime _time = new();
    private readonly WorkerSignal _signal = new();
    private readonly List<InProcessJobStore> _stores = [];

    public void Dispose()
    {
        foreach (var store in _stores) store.Dispose();
        _signal.Dispose();
    }

    private InProcessJobStore Store(int ttlSeconds = 60, long maxBytes = 1000, int capacity = 16)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new QueueOptions
        {
            ResultTtlSeconds = ttlSeconds, MaxStoredBytes = maxBytes, Capacity = capacity,
        });
        var store = new InProcessJobStore(new GenerationQueue(options, _signal), options, _time);
        _stores.Add(store);
        return store;
    }

    private readonly Dictionary<string, Job> _submitted = [];

    // The store keeps the job it was given, so the tests drive that object as the worker would.
    private async Task<Submission> SubmitAsync(InProcessJobStore store, string id, string? key = null, string fingerprint = "f")
    {
        var job = new Job(id, Spec, _time.GetUtcNow(), "m", "v");
        _submitted[id] = job;
        return await store.SubmitAsync(job, key, fingerprint, CancellationToken.None);
    }

    private async Task<Job> AddAsync(InProcessJobStore store, string id)
    {
        Assert.IsType<Submission.Accepted>(await SubmitAsync(store, id));
        return _submitted[id];
    }

    private void Succeed(Job job, int bytes)
    {
        job.TryStart(_time.GetUtcNow());
        job.TrySucceed([new byte[bytes]], _time.GetUtcNow());
    }

    private static async Task<bool> HasAsync(InProcessJobStore store, string id) => await store.GetAsync(id, CancellationToken.None) is not null;

    [Fact]
    public async Task Finished_jobs_are_evicted_after_the_ttl_and_running_ones_never()
    {
        var store = Store(ttlSeconds: 60);
        var done = await AddAsync(store, "done");
        var running = await AddAsync(store, "running");
        running.TryStart(_time.GetUtcNow());
        Succeed(done, 10);

        _time.Now += TimeSpan.FromSeconds(59);
        store.Sweep();
        Assert.True(await HasAsync(store, "done"));
        _time.Now += TimeSpan.FromSeconds(1);
        store.Sweep();
        Assert.False(await HasAsync(store, "done"));
        _time.Now += TimeSpan.FromDays(1);
        store.Sweep();
        Assert.True(await HasAsync(store, "running"));
    }

    [Fact]
    public async Task Over_the_byte_cap_the_oldest_finished_jobs_go_first()
    {
        var store = Store(maxBytes: 1000);
        foreach (var id in new[] { "a", "b", "c" })
        {
            Succeed(await AddAsync(store, id), 400);
            _time.Now += TimeSpan.FromSeconds(1);
        }

        store.Sweep();

        Assert.False(await HasAsync(store, "a"));
        Assert.True(await HasAsync(store, "b"));
        Assert.True(await HasAsync(store, "c"));
        Assert.Equal(800, store.StoredImageBytes);
    }

    [Fact]
    public async Task The_store_sweeps_itself_without_being_asked()
    {
        var store = Store(ttlSeconds: 1);
        Succeed(await AddAsync(store, "done"), 10);
        _time.Now += TimeSpan.FromSeconds(1);

        // The sweeper runs on a real one-second timer; the manual clock already says the job expired.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (store.Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(50);

        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_same_job_refuses_another_body_and_is_forgotten_with_its_job()
    {
        var store = Store(ttlSeconds: 10);
        var first = Assert.IsType<Submission.Accepted>(await SubmitAsync(store, "one", key: "k", fingerprint: "body-1"));

        var replay = Assert.IsType<Submission.Accepted>(await SubmitAsync(store, "never", key: "k", fingerprint: "body-1"));
        var clash = Assert.IsType<Submission.Refused>(await SubmitAsync(store, "never", key: "k", fingerprint: "body-2"));

        Assert.False(first.Replayed);
        Assert.True(replay.Replayed);
        Assert.Equal("one", replay.Job.Snapshot.Id);
        Assert.Equal(SubmissionRefusal.KeyReused, clash.Reason);
        Assert.False(await HasAsync(store, "never"));

        Succeed(_submitted["one"], 1);
        _time.Now += TimeSpan.FromSeconds(10);
        var fresh = Assert.IsType<Submission.Accepted>(await SubmitAsync(store, "two", key: "k", fingerprint: "body-2"));
        Assert.Equal("two", fresh.Job.Snapshot.Id);
    }

    [Fact]
    public async Task A_full_queue_refuses_and_forgets_the_job_and_its_key()
    {
        var store = Store(capacity: 1);
        await AddAsync(store, "first");

        var refused = Assert.IsType<Submission.Refused>(await SubmitAsync(store, "second", key: "k"));

        Assert.Equal(SubmissionRefusal.QueueFull, refused.Reason);
        Assert.False(await HasAsync(store, "second"));
        Assert.Equal(1, store.QueueDepth);
    }
}
