namespace TeEFusion.Service.Jobs;

/// <summary>
/// One generation request and its life: queued → running → succeeded, failed or canceled. Thread-safe: endpoints
/// read and cancel it while the device worker advances it. Every transition appends to <see cref="Events"/>, and a
/// final one completes <see cref="Completion"/>.
/// </summary>
public sealed class Job
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _warnings = [];
    private IReadOnlyList<byte[]> _images = [];
    private int _imageCount;
    private DateTimeOffset? _startedAt;
    private DateTimeOffset? _finishedAt;
    private int _step;
    private long _previewBytes;
    private JobErrorCode? _errorCode;
    private string? _error;
    private string? _cancelRequest;
    private string? _modelId;
    private string? _modelVersion;

    public Job(string id, JobSpec spec, DateTimeOffset createdAt, string? modelId, string? modelVersion)
    {
        Id = id;
        Spec = spec;
        CreatedAt = createdAt;
        _modelId = modelId;
        _modelVersion = modelVersion;
        TotalSteps = spec.RunSteps;
    }

    public string Id { get; }

    public JobSpec Spec { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>The served model's id: the one serving at submission until the job starts, then the one it runs on.</summary>
    public string? ModelId
    {
        get { lock (_gate) return _modelId; }
    }

    /// <summary>
    /// The served model's version, like <see cref="ModelId"/>: a promotion between submission and start swaps the model,
    /// and the job (like its images' metadata) then records the version it actually ran on.
    /// </summary>
    public string? ModelVersion
    {
        get { lock (_gate) return _modelVersion; }
    }

    public int TotalSteps { get; }

    /// <summary>When the job must have finished (per-job timeout or the client's Cancel-After); null for none.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>True once <see cref="Deadline"/> has passed at <paramref name="now"/>.</summary>
    public bool IsOverdue(DateTimeOffset now) => Deadline is { } deadline && now >= deadline;

    /// <summary>True when <see cref="Deadline"/> came from the client (it cancels) rather than the service's timeout (it fails).</summary>
    public bool DeadlineFromClient { get; init; }

    /// <summary>Told of every transition; set by a replica that runs the job for a shared store, null in-process.</summary>
    public IJobListener? Listener { get; init; }

    /// <summary>Order of arrival in the queue, for queue positions.</summary>
    public long Sequence { get; internal set; }

    public JobEventLog Events { get; } = new();

    /// <summary>Completes when the job reaches a final state.</summary>
    public Task Completion => _completion.Task;

    public JobState State { get; private set; } = JobState.Queued;

    public bool IsFinished => State.IsFinal();

    /// <summary>The reason given when cancellation was asked for a running job; the worker ends it at the next step boundary.</summary>
    public string? CancelRequest
    {
        get { lock (_gate) return _cancelRequest; }
    }

    /// <summary>
    /// The encoded image files (PNG, JPEG or WebP, as the spec's output says), in order; empty until the job succeeds, and
    /// empty for a job whose files went to the image store (ImageStore:Provider FileSystem or S3).
    /// </summary>
    public IReadOnlyList<byte[]> Images
    {
        get { lock (_gate) return _images; }
    }

    /// <summary>Bytes held by <see cref="Images"/> and by an edit's input files.</summary>
    public long ImageBytes
    {
        get { lock (_gate) return _images.Sum(i => (long)i.Length) + (Spec.Edit?.Bytes ?? 0); }
    }

    /// <summary>
    /// Bytes the job holds in the store: its images and the base64 previews its partial_image events carry, which stay
    /// with the job (for readers that resume) as long as its images do.
    /// </summary>
    public long StoredBytes
    {
        get { lock (_gate) return _images.Sum(i => (long)i.Length) + _previewBytes; }
    }

    public DateTimeOffset? FinishedAt
    {
        get { lock (_gate) return _finishedAt; }
    }

    public DateTimeOffset? StartedAt
    {
        get { lock (_gate) return _startedAt; }
    }

    /// <summary>Records the queued event with the position the job entered at.</summary>
    internal void Enqueued(int position)
    {
        lock (_gate) Events.Append("queued", Data(position));
    }

    /// <summary>
    /// queued → running on the model <paramref name="modelId"/>/<paramref name="modelVersion"/> (null keeps the one
    /// recorded at submission); false when the job was already ended (canceled while queued).
    /// </summary>
    public bool TryStart(DateTimeOffset now, string? modelId = null, string? modelVersion = null)
    {
        lock (_gate)
        {
            if (State != JobState.Queued) return false;
            State = JobState.Running;
            _startedAt = now;
            _modelId = modelId ?? _modelId;
            _modelVersion = modelVersion ?? _modelVersion;
            Listener?.OnTransition(this, Snapshot(now), null);
            return true;
        }
    }

    /// <summary>Records <paramref name="step"/> completed steps of <see cref="TotalSteps"/>.</summary>
    public void ReportProgress(int step, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (State != JobState.Running) return;
            _step = step;
            var entry = Events.Append("progress", Data(eta: Eta(now)));
            Listener?.OnTransition(this, Snapshot(now), entry);
        }
    }

    /// <summary>
    /// Records preview <paramref name="index"/> of image <paramref name="image"/>, drawn after the current step, as a
    /// partial_image event carrying the file in base64.
    /// </summary>
    public void ReportPartialImage(int image, int index, byte[] file, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (State != JobState.Running) return;
            var b64 = Convert.ToBase64String(file);
            _previewBytes += b64.Length;
            var entry = Events.Append("partial_image", Data() with { ImageIndex = image, PartialImageIndex = index, B64Json = b64 });
            Listener?.OnTransition(this, Snapshot(now), entry);
        }
    }

    public void AddWarnings(IEnumerable<string> warnings)
    {
        lock (_gate)
        {
            foreach (var w in warnings)
            {
                if (!_warnings.Contains(w)) _warnings.Add(w);
            }
        }
    }

    /// <summary>
    /// Ends the job as succeeded with <paramref name="images"/>; when they were <paramref name="stored"/> in the image store
    /// already, the job keeps only their count (the store has the files, under keys made from the job's id).
    /// </summary>
    public bool TrySucceed(IReadOnlyList<byte[]> images, DateTimeOffset now, bool stored = false)
    {
        lock (_gate)
        {
            if (IsFinished) return false;
            _images = stored ? [] : images;
            _imageCount = images.Count;
            return Finish(JobState.Succeeded, now, Data(images: images.Count));
        }
    }

    /// <summary>Ends the job as failed for <paramref name="code"/>, which telemetry also counts by.</summary>
    public bool TryFail(JobErrorCode code, string message, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (IsFinished) return false;
            _errorCode = code;
            _error = message;
            return Finish(JobState.Failed, now, Data(error: message));
        }
    }

    /// <summary>
    /// Ends a queued job at once; for a running one it records the request, and the worker calls
    /// <see cref="TryCancel"/> at the next step boundary. Returns the state afterwards.
    /// </summary>
    public JobState RequestCancel(string reason, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (State == JobState.Queued) TryCancel(reason, now);
            else if (State == JobState.Running) _cancelRequest ??= reason;
            return State;
        }
    }

    /// <summary>Ends the job as canceled; <paramref name="code"/> tells a client's cancel from a shutdown's.</summary>
    public bool TryCancel(string reason, DateTimeOffset now, JobErrorCode code = JobErrorCode.Canceled)
    {
        lock (_gate)
        {
            if (IsFinished) return false;
            _errorCode = code;
            _error = reason;
            return Finish(JobState.Canceled, now, Data(reason: reason));
        }
    }

    public JobSnapshot Snapshot(DateTimeOffset now)
    {
        lock (_gate)
        {
            return new JobSnapshot(Id, Spec, State, CreatedAt, _startedAt, _finishedAt, _step, TotalSteps, Eta(now),
                _warnings.ToArray(), _errorCode, _error, _imageCount, _modelId, _modelVersion);
        }
    }

    private bool Finish(JobState state, DateTimeOffset now, JobEventData data)
    {
        State = state;
        _finishedAt = now;
        var entry = Events.Append(state.ToString().ToLowerInvariant(), data with { State = state });
        Listener?.OnTransition(this, Snapshot(now), entry);
        _completion.TrySetResult();
        return true;
    }

    // Remaining steps at the pace seen so far; nothing to go on before the first step.
    private double? Eta(DateTimeOffset now)
    {
        if (State != JobState.Running || _step == 0 || _startedAt is not { } started) return null;
        var perStep = (now - started).TotalSeconds / _step;
        return Math.Round(perStep * (TotalSteps - _step), 3);
    }

    private JobEventData Data(int? position = null, double? eta = null, string? error = null, string? reason = null, int images = 0) =>
        new(Id, State, _step, TotalSteps, position, eta, error, reason, images);
}
