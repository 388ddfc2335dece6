namespace TeEFusion.Service.Health;

/// <summary>What the device worker reports about itself; readiness needs <see cref="Running"/>.</summary>
public enum WorkerStatus
{
    NotStarted,
    Running,
    Faulted,
    CircuitOpen,
    Stopped,
}
