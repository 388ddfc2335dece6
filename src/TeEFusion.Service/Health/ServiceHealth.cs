namespace TeEFusion.Service.Health;

/// <summary>
/// The live state readiness reads besides the model and the job store: the worker's status (set by the worker) and
/// whether the host is draining (set on ApplicationStopping). Thread-safe.
/// </summary>
public sealed class ServiceHealth
{
    private readonly Lock _gate = new();
    private WorkerStatus _worker = WorkerStatus.NotStarted;
    private string? _workerDetail;
    private volatile bool _draining;

    /// <summary>The worker's last reported status.</summary>
    public WorkerStatus WorkerStatus
    {
        get { lock (_gate) return _worker; }
    }

    /// <summary>Why the worker is in its status (e.g. the fault that opened the breaker); null when there is nothing to say.</summary>
    public string? WorkerDetail
    {
        get { lock (_gate) return _workerDetail; }
    }

    /// <summary>True from ApplicationStopping on: readiness fails and new work is refused with 503.</summary>
    public bool Draining
    {
        get => _draining;
        set => _draining = value;
    }

    /// <summary>Sets the worker's status and detail together, so readers never see one without the other.</summary>
    public void SetWorker(WorkerStatus status, string? detail = null)
    {
        lock (_gate)
        {
            _worker = status;
            _workerDetail = detail;
        }
    }
}
