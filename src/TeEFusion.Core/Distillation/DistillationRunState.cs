namespace TeEFusion.Core.Distillation;

/// <summary>Where a distillation run is in its life; the last three are final and the run folder's end marker records them.</summary>
public enum DistillationRunState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Canceled,
}

public static class DistillationRunStateExtensions
{
    /// <summary>True for the final states: succeeded, failed and canceled.</summary>
    public static bool IsEnd(this DistillationRunState state) =>
        state is DistillationRunState.Succeeded or DistillationRunState.Failed or DistillationRunState.Canceled;
}
