using TorchSharp;

namespace TeEFusion.Core.Runtime;

/// <summary>What <see cref="TensorCounter.Measure"/> saw on the calling thread.</summary>
/// <param name="TensorsCreated">
/// Tensor handles created: one per TorchSharp call that returns a new tensor (views and aliases included), so it counts
/// the native operations that produce a tensor; in-place operations (add_, copy_) return their input and are not counted.
/// </param>
/// <param name="LiveDelta">Tensors still alive after the action minus before it: what the action left to its caller (or leaked).</param>
public readonly record struct TensorCounts(long TensorsCreated, long LiveDelta);

/// <summary>
/// Counts the tensors an action creates, from TorchSharp's per-thread dispose-scope statistics. TorchSharp keeps
/// them per thread, so the action must run synchronously on the calling thread (as every forward and sampler step does).
/// </summary>
public static class TensorCounter
{
    public static TensorCounts Measure(Action action)
    {
        var statistics = DisposeScopeManager.Statistics.TensorStatistics;
        var (created, live) = (Created(statistics), statistics.ThreadTotalLiveCount);
        action();
        return new TensorCounts(Created(statistics) - created, statistics.ThreadTotalLiveCount - live);
    }

    private static long Created(LifetimeStatistics statistics) => statistics.CreatedInScopeCount + statistics.CreatedOutsideScopeCount;
}
