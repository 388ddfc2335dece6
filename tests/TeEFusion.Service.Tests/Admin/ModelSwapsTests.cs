using TeEFusion.Service.Distillation;
using TeEFusion.Service.Models;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Tests.Admin;

public sealed class ModelSwapsTests
{
    private static readonly ModelSlot Slot = new("tiny", "tiny", "/models/tiny");

    [Fact]
    public async Task A_request_gets_its_swap_back_even_when_the_worker_applies_it_at_once()
    {
        using var signal = new WorkerSignal();
        var swaps = new ModelSwaps(signal);
        using var stop = new CancellationTokenSource();
        // A worker that applies whatever is pending the moment it is woken, as the device worker does when idle.
        var worker = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    signal.Wait(null, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                if (swaps.Pending is { } pending) swaps.Applied(pending);
            }
        });

        for (var i = 0; i < 2000; i++)
        {
            var swap = swaps.TryRequest(Slot, null!);
            Assert.NotNull(swap);
            await swap.Done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Null(swaps.Pending);
        await stop.CancelAsync();
        await worker;
    }

    [Fact]
    public void A_second_request_while_one_is_pending_is_refused()
    {
        using var signal = new WorkerSignal();
        var swaps = new ModelSwaps(signal);

        var first = swaps.TryRequest(Slot, null!);

        Assert.NotNull(first);
        Assert.Null(swaps.TryRequest(Slot, null!));
        swaps.Applied(first);
        Assert.NotNull(swaps.TryRequest(Slot, null!));
    }
}
