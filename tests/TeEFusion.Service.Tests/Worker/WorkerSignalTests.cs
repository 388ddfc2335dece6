using TeEFusion.Service.Options;
using TeEFusion.Service.Tests.Jobs;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Tests.Worker;

public sealed class WorkerSignalTests
{
    [Fact]
    public void Notifications_while_busy_wake_the_worker_once_and_none_is_lost()
    {
        using var signal = new WorkerSignal();
        signal.Notify();
        signal.Notify();

        Assert.True(signal.Wait(TimeSpan.Zero, CancellationToken.None));
        Assert.False(signal.Wait(TimeSpan.FromMilliseconds(20), CancellationToken.None));
    }

    [Fact]
    public async Task A_sleeping_worker_wakes_on_a_notification_from_another_thread()
    {
        using var signal = new WorkerSignal();
        var woke = Task.Run(() => signal.Wait(null, CancellationToken.None));
        await Task.Delay(50);
        Assert.False(woke.IsCompleted);

        signal.Notify();

        Assert.True(await woke.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Stopping_ends_the_wait()
    {
        using var signal = new WorkerSignal();
        using var stopping = new CancellationTokenSource();
        stopping.Cancel();

        Assert.Throws<OperationCanceledException>(() => signal.Wait(null, stopping.Token));
    }

    [Fact]
    public void A_queued_job_wakes_the_worker()
    {
        using var signal = new WorkerSignal();
        var queue = new GenerationQueue(Microsoft.Extensions.Options.Options.Create(new QueueOptions { Capacity = 2 }), signal);

        Assert.True(queue.TryEnqueue(new Service.Jobs.Job("j", TestSpecs.Of("p", "", 1, 0, 2, 5, 32, 32), DateTimeOffset.UtcNow, null, null)));

        Assert.True(signal.Wait(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public void A_relay_can_take_back_a_waiting_job_from_the_middle_of_its_line_but_not_one_the_worker_took()
    {
        using var signal = new WorkerSignal();
        var queue = new GenerationQueue(Microsoft.Extensions.Options.Options.Create(new QueueOptions { Capacity = 3 }), signal);
        var jobs = Enumerable.Range(0, 3)
            .Select(i => new Service.Jobs.Job($"j{i}", TestSpecs.Of("p", "", 1, i, 2, 5, 32, 32), DateTimeOffset.UtcNow, null, null)).ToList();
        foreach (var job in jobs) Assert.True(queue.TryEnqueue(job));
        Assert.True(queue.TryTake(jobs[0]));

        Assert.False(queue.TryRemove(jobs[0]));
        Assert.True(queue.TryRemove(jobs[1]));

        Assert.Equal([jobs[2]], queue.Heads());
        Assert.Equal(1, queue.Depth);
        Assert.Null(queue.PositionOf(jobs[1]));
        Assert.True(queue.TryEnqueue(jobs[1]));
    }
}
