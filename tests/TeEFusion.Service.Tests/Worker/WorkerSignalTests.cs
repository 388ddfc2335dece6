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
    public async Task The_queue_tells_a_relay_when_the_worker_has_taken_every_job()
    {
        using var signal = new WorkerSignal();
        var queue = new GenerationQueue(Microsoft.Extensions.Options.Options.Create(new QueueOptions { Capacity = 2 }), signal);
        Assert.True(queue.WaitUntilEmptyAsync(CancellationToken.None).IsCompletedSuccessfully);
        var job = new Service.Jobs.Job("j", TestSpecs.Of("p", "", 1, 0, 2, 5, 32, 32), DateTimeOffset.UtcNow, null, null);
        queue.TryEnqueue(job);

        var emptied = queue.WaitUntilEmptyAsync(CancellationToken.None);
        Assert.False(emptied.IsCompleted);
        Assert.True(queue.TryTake(Assert.Single(queue.Heads())));

        await emptied.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
