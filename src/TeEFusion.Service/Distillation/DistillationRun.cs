using TeEFusion.Core.Distillation;

namespace TeEFusion.Service.Distillation;

/// <summary>
/// One distillation run as the API sees it. The device worker writes progress; request threads read snapshots and
/// wait for events. All state is under one lock; waiters are released by replacing a completion source.
/// </summary>
public sealed class DistillationRun(string id, DistillationPlan plan, DistillationRunFolder folder, DateTimeOffset createdAt)
{
    private readonly Lock _gate = new();
    private readonly List<double> _losses = [];
    private readonly List<DistillationEvent> _events = [];
    private readonly List<DistillationEvalPoint> _evaluations = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DistillationRunState _state = DistillationRunState.Queued;
    private DateTimeOffset? _startedAt;
    private DateTimeOffset? _finishedAt;
    private string? _error;
    private int _iteration;
    private double _iterationSeconds;
    private double _slowestIterationSeconds;
    private volatile bool _cancelRequested;

    public string Id { get; } = id;
    public DistillationPlan Plan { get; } = plan;

    /// <summary>The run's folder, Distillation:CheckpointDirectory/{id}.</summary>
    public DistillationRunFolder Folder { get; } = folder;

    public bool CancelRequested => _cancelRequested;

    public bool IsFinished
    {
        get { lock (_gate) return _state.IsEnd(); }
    }

    /// <summary>Asks the worker to stop at the next iteration; false when the run already ended.</summary>
    public bool RequestCancel()
    {
        if (IsFinished) return false;
        _cancelRequested = true;
        return true;
    }

    public void Started(DateTimeOffset now, int resumedIteration, IEnumerable<double> resumedLosses)
    {
        lock (_gate)
        {
            _state = DistillationRunState.Running;
            _startedAt ??= now;
            _iteration = resumedIteration;
            _losses.Clear();
            _losses.AddRange(resumedLosses);
        }
    }

    /// <summary>Records one finished iteration that took <paramref name="elapsed"/>.</summary>
    public void Progressed(int iteration, double loss, TimeSpan elapsed)
    {
        lock (_gate)
        {
            _iteration = iteration;
            _losses.Add(loss);
            // Exponential average: the first iterations (warm-up of the device, the teacher's load) weigh less over time.
            _slowestIterationSeconds = Math.Max(_slowestIterationSeconds, elapsed.TotalSeconds);
            _iterationSeconds = _iterationSeconds == 0 ? elapsed.TotalSeconds : 0.8 * _iterationSeconds + 0.2 * elapsed.TotalSeconds;
            Append("progress", loss, null);
        }
    }

    public void Evaluated(DistillationEvalPoint point)
    {
        lock (_gate) _evaluations.Add(point);
    }

    public void Finished(DistillationRunState state, DateTimeOffset now, string? error = null)
    {
        lock (_gate)
        {
            _state = state;
            _finishedAt = now;
            _error = error;
            Append(state.ToString().ToLowerInvariant(), null, error);
        }
    }

    /// <summary>Events from <paramref name="from"/> on; waits until there is one or the run ended (then empty).</summary>
    public async Task<IReadOnlyList<DistillationEvent>> EventsAfterAsync(int from, CancellationToken cancellation)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_events.Count > from) return _events.Skip(from).ToList();
                if (_state is not (DistillationRunState.Queued or DistillationRunState.Running)) return [];
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellation);
        }
    }

    public DistillationRunResponse Snapshot()
    {
        lock (_gate)
        {
            var settings = Plan.Settings;
            double? eta = _state == DistillationRunState.Running && _iterationSeconds > 0
                ? (settings.Iterations - _iteration) * _iterationSeconds
                : null;
            return new DistillationRunResponse(Id, _state, _iteration, settings.Iterations, _losses.ToArray(), _evaluations.ToArray(), eta,
                _iterationSeconds * 1000, _slowestIterationSeconds * 1000, _error, CreatedAt,
                _startedAt, _finishedAt, settings.Teacher.Name, settings.Steps, settings.GuidanceMin, settings.GuidanceMax,
                settings.LearningRate, settings.BatchSize, settings.CheckpointInterval, settings.Seed, Plan.Prompts.Count, Plan.EvalPrompts.Count,
                Plan.Models.TeacherModel, Plan.Models.StudentModel, DistillationRunLinks.For(Id));
        }
    }

    public DateTimeOffset CreatedAt { get; } = createdAt;

    // Under _gate.
    private void Append(string type, double? loss, string? error)
    {
        _events.Add(new DistillationEvent(_events.Count, type, _iteration, Plan.Settings.Iterations, loss, error));
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}
