using TeEFusion.Core.Runtime;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Runtime;

/// <summary><see cref="TensorCounter"/> against operations whose tensor count is known.</summary>
[Collection("Sequential")]
public class TensorCounterTests
{
    [Fact]
    public void CountsEveryTensorAnOperationReturnsButNotInPlaceOperations()
    {
        using var scope = NewDisposeScope();
        var a = ones(3);
        var b = ones(3);
        var counts = TensorCounter.Measure(() =>
        {
            var sum = a + b;           // 1
            var view = sum.view(3, 1); // 2
            view.add_(1);              // in place: none
        });
        Assert.Equal(2, counts.TensorsCreated);
    }

    [Fact]
    public void LiveDeltaIsWhatTheActionLeftAlive()
    {
        using var scope = NewDisposeScope();
        Tensor? kept = null;
        var counts = TensorCounter.Measure(() =>
        {
            using var inner = NewDisposeScope();
            var temporary = ones(3) * 2;
            kept = (temporary + 1).MoveToOuterDisposeScope();
        });
        Assert.Equal(3, counts.TensorsCreated);
        Assert.Equal(1, counts.LiveDelta);
        Assert.NotNull(kept);
    }
}
