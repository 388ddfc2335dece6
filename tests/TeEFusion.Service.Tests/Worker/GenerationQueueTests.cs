using TeEFusion.Service.Jobs;
using TeEFusion.Service.Options;
using TeEFusion.Service.Tests.Jobs;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Tests.Worker;

/// <summary>One line per model under one capacity: what the worker sees and takes.</summary>
public sealed class GenerationQueueTests : IDisposable
{
    private readonly WorkerSignal _signal = new();
    private readonly GenerationQueue _queue;
    private int _ids;

    public GenerationQueueTests() =>
        _queue = new GenerationQueue(Microsoft.Extensions.Options.Options.Create(new QueueOptions { Capacity = 4 }), _signal);

    [Fact]
    public void The_worker_sees_the_oldest_job_of_each_model_oldest_first_and_takes_only_heads()
    {
        var (a1, b1, a2, b2) = (Enqueue("a"), Enqueue("b"), Enqueue("a"), Enqueue("b"));

        Assert.Equal([a1, b1], _queue.Heads());
        Assert.False(_queue.TryTake(a2));
        Assert.True(_queue.TryTake(b1));
        Assert.Equal([a1, b2], _queue.Heads());
        Assert.True(_queue.TryTakeOldest(out var oldest));
        Assert.Same(a1, oldest);
        Assert.Equal([a2, b2], _queue.Heads());
        Assert.False(_queue.TryTake(a1));
    }

    [Fact]
    public void The_capacity_is_shared_by_every_model_and_a_closed_queue_refuses()
    {
        for (var i = 0; i < 4; i++) Enqueue(i % 2 == 0 ? "a" : "b");
        Assert.False(_queue.TryEnqueue(NewJob("c")));
        Assert.True(_queue.TryTake(_queue.Heads()[0]));

        _queue.Close();

        Assert.False(_queue.TryEnqueue(NewJob("c")));
        // What was queued stays readable for the shutdown's drain.
        var drained = 0;
        while (_queue.TryTakeOldest(out _)) drained++;
        Assert.Equal(3, drained);
    }

    [Fact]
    public void Positions_count_every_model_in_arrival_order()
    {
        var (a, b, c) = (Enqueue("a"), Enqueue("b"), Enqueue("a"));
        Assert.Equal([0, 1, 2], new[] { a, b, c }.Select(j => _queue.PositionOf(j)));
        Assert.True(_queue.TryTake(b));
        Assert.Null(_queue.PositionOf(b));
        Assert.Equal(1, _queue.PositionOf(c));
    }

    public void Dispose() => _signal.Dispose();

    private Job Enqueue(string model)
    {
        var job = NewJob(model);
        Assert.True(_queue.TryEnqueue(job));
        return job;
    }

    private Job NewJob(string model) =>
        new($"q{++_ids}", TestSpecs.Of("p", "", 1, 0, 2, 5, 32, 32, model: model), DateTimeOffset.UtcNow, null, null);
}
