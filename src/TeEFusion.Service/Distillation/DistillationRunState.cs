namespace TeEFusion.Service.Distillation;

/// <summary>Where a distillation run is in its life.</summary>
public enum DistillationRunState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Canceled,
}
