using Microsoft.Extensions.Options;
using TeEFusion.Core.Distillation;
using TeEFusion.Service.Options;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Distillation;

/// <summary>
/// The service's distillation runs (kept in memory for the process's life) and the one that is active: one run per
/// device at a time, so a second submission while one is queued or running is refused.
/// </summary>
public sealed class DistillationRuns(IOptions<DistillationOptions> options, WorkerSignal signal, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DistillationRun> _runs = [];
    private readonly string _checkpoints = Path.GetFullPath(options.Value.CheckpointDirectory);
    private DistillationRun? _active;

    /// <summary>The run the worker should advance, if any (queued or running).</summary>
    public DistillationRun? Active
    {
        get
        {
            lock (_gate)
            {
                if (_active is { IsFinished: true }) _active = null;
                return _active;
            }
        }
    }

    /// <summary>Registers a new queued run; null (and <paramref name="busy"/>) when another one is still active.</summary>
    public DistillationRun? TryStart(DistillationPlan plan, out DistillationRun? busy)
    {
        lock (_gate)
        {
            busy = Active;
            if (busy is not null) return null;
            var id = "dist_" + Guid.NewGuid().ToString("N")[..16];
            var run = new DistillationRun(id, plan, Folder(id), time.GetUtcNow());
            _runs[id] = run;
            _active = run;
            signal.Notify();
            return run;
        }
    }

    /// <summary>Queues a run found unfinished on disk under its own id (at start-up, before any new run).</summary>
    public DistillationRun Restore(string id, DistillationPlan plan, DateTimeOffset createdAt)
    {
        lock (_gate)
        {
            var run = new DistillationRun(id, plan, Folder(id), createdAt);
            _runs[id] = run;
            _active ??= run;
            signal.Notify();
            return run;
        }
    }

    /// <summary>The folder of run <paramref name="id"/>.</summary>
    public DistillationRunFolder Folder(string id) => new(Path.Combine(_checkpoints, id));

    public DistillationRun? Get(string id)
    {
        lock (_gate) return _runs.GetValueOrDefault(id);
    }

    /// <summary>Every run, newest first.</summary>
    public IReadOnlyList<DistillationRun> All()
    {
        lock (_gate) return _runs.Values.OrderByDescending(r => r.CreatedAt).ToList();
    }
}
