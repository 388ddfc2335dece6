using TeEFusion.Service.Jobs;
using TeEFusion.Service.Options;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Tests.Jobs;

public sealed class JobLifecycleTests
{
    private static readonly JobSpec Spec = TestSpecs.Of("p", "", 1, 0, 2, 5, 32, 32);
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    private static Job NewJob(string id) => new(id, Spec, Now, null, null);

    [Fact]
    public async Task Events_have_increasing_ids_and_a_reader_resumes_after_any_of_them()
    {
        var queue = new GenerationQueue(Microsoft.Extensions.Options.Options.Create(new QueueOptions { Capacity = 4 }), new WorkerSignal());
        var job = NewJob("j");
        Assert.True(queue.TryEnqueue(job));
        await using var live = job.Events.ReadAsync(0).GetAsyncEnumerator();
        job.TryStart(Now);
        job.ReportProgress(1, Now.AddSeconds(1));
        job.ReportProgress(2, Now.AddSeconds(2));

        // Read while the job runs: once it has ended, its progress events are folded (the next test).
        var running = new List<JobEvent>();
        for (var i = 0; i < 3 && await live.MoveNextAsync(); i++) running.Add(live.Current);
        job.TrySucceed([[1, 2]], Now.AddSeconds(3));
        Assert.True(await live.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        var all = running.Append(live.Current).ToList();

        Assert.Equal(["queued", "progress", "progress", "succeeded"], all.Select(e => e.Type));
        Assert.Equal([1L, 2, 3, 4], all.Select(e => e.Id));
        Assert.Equal(1.0, all[1].Data.EtaSeconds);
        Assert.Equal(["succeeded"], (await ReadAllAsync(job, 2)).Select(e => e.Type));
        Assert.Empty(await ReadAllAsync(job, 4));
    }

    [Fact]
    public async Task A_finished_job_folds_its_progress_events_but_every_other_event_keeps_its_id()
    {
        var queue = new GenerationQueue(Microsoft.Extensions.Options.Options.Create(new QueueOptions { Capacity = 4 }), new WorkerSignal());
        var job = NewJob("j");
        Assert.True(queue.TryEnqueue(job));
        job.TryStart(Now);
        job.ReportProgress(1, Now.AddSeconds(1));
        job.ReportPartialImage(0, 0, [1, 2, 3], Now.AddSeconds(1));
        job.ReportProgress(2, Now.AddSeconds(2));
        Assert.Equal(4, job.Events.Count);

        job.TrySucceed([[1, 2]], Now.AddSeconds(3));

        var replay = await ReadAllAsync(job, 0);
        Assert.Equal(["queued", "partial_image", "succeeded"], replay.Select(e => e.Type));
        Assert.Equal([1L, 3, 5], replay.Select(e => e.Id));
        Assert.Equal(["succeeded"], (await ReadAllAsync(job, 3)).Select(e => e.Type));
        Assert.Equal(5, job.Events.Count);
    }

    [Fact]
    public void A_preview_is_an_event_of_a_running_job_only_and_counts_toward_its_stored_bytes()
    {
        var job = NewJob("p");
        job.ReportPartialImage(0, 0, [1, 2, 3], Now);
        Assert.Equal(0, job.Events.Count);

        job.TryStart(Now);
        job.ReportProgress(1, Now);
        job.ReportPartialImage(1, 0, new byte[300], Now);
        job.TrySucceed([new byte[10]], Now);
        job.ReportPartialImage(1, 1, new byte[300], Now);

        var preview = job.Events.ReadAsync(0).ToBlockingEnumerable().Single(e => e.Type == "partial_image").Data;
        Assert.Equal((1, 0, 1), (preview.ImageIndex, preview.PartialImageIndex, preview.Step));
        Assert.Equal(new byte[300], Convert.FromBase64String(preview.B64Json!));
        Assert.Equal(10 + 400, job.StoredBytes);
    }

    [Fact]
    public void Canceling_a_queued_job_ends_it_at_once_but_a_running_one_only_records_the_request()
    {
        var queued = NewJob("q");
        var running = NewJob("r");
        running.TryStart(Now);

        Assert.Equal(JobState.Canceled, queued.RequestCancel("stop", Now));
        Assert.True(queued.Completion.IsCompleted);
        Assert.False(queued.TryStart(Now));
        Assert.Equal(JobState.Running, running.RequestCancel("stop", Now));
        Assert.Equal("stop", running.CancelRequest);
        Assert.False(running.Completion.IsCompleted);
        Assert.True(running.TryCancel(running.CancelRequest!, Now));
        Assert.False(running.TrySucceed([[1]], Now));
        Assert.Equal(JobState.Canceled, running.State);
    }

    [Fact]
    public void Queue_positions_skip_canceled_jobs_and_the_queue_refuses_past_capacity()
    {
        var queue = new GenerationQueue(Microsoft.Extensions.Options.Options.Create(new QueueOptions { Capacity = 3 }), new WorkerSignal());
        var jobs = new[] { NewJob("a"), NewJob("b"), NewJob("c") };
        foreach (var job in jobs) Assert.True(queue.TryEnqueue(job));

        Assert.False(queue.TryEnqueue(NewJob("d")));
        Assert.Equal([0, 1, 2], jobs.Select(j => queue.PositionOf(j)));
        jobs[0].RequestCancel("not needed", Now);
        Assert.Null(queue.PositionOf(jobs[0]));
        Assert.Equal(0, queue.PositionOf(jobs[1]));
        Assert.Equal(2, queue.Depth);
    }

    private static async Task<List<JobEvent>> ReadAllAsync(Job job, long after)
    {
        var events = new List<JobEvent>();
        await foreach (var entry in job.Events.ReadAsync(after)) events.Add(entry);
        return events;
    }
}
