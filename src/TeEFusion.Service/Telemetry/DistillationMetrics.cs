using System.Diagnostics.Metrics;
using TeEFusion.Core.Distillation;
using TeEFusion.Service.Distillation;

namespace TeEFusion.Service.Telemetry;

/// <summary>
/// Distillation runs as time series: iteration, last loss, last evaluation (latent MSE and image PSNR against the
/// teacher) and state, per run for the <see cref="RecentRuns"/> newest runs (the run label's values stay bounded however
/// many runs the process has seen), and runs ended by final state, for the "a run failed" alert.
/// </summary>
public sealed class DistillationMetrics
{
    /// <summary>Runs reported with their own series, newest first.</summary>
    public const int RecentRuns = 5;

    /// <summary>Tag: the run id.</summary>
    public const string RunTag = "run";

    /// <summary>Tag: the run's state (queued, running, succeeded, failed, canceled).</summary>
    public const string StateTag = "state";

    private static readonly DistillationRunState[] EndStates = [DistillationRunState.Succeeded, DistillationRunState.Failed, DistillationRunState.Canceled];

    public DistillationMetrics(IMeterFactory meters, DistillationRuns runs)
    {
        var meter = meters.Create(ServiceTelemetry.Name);
        meter.CreateObservableGauge("teefusion.distillation.iteration", () => Recent(runs, r => r.Iteration), "{iteration}",
            "Optimizer steps the run has done.");
        meter.CreateObservableGauge("teefusion.distillation.iterations", () => Recent(runs, r => r.Iterations), "{iteration}",
            "Optimizer steps the run was asked for.");
        meter.CreateObservableGauge("teefusion.distillation.loss", () => Recent(runs, r => r.Losses.Length > 0 ? r.Losses[^1] : null),
            null, "Mean loss of the run's last optimizer step.");
        meter.CreateObservableGauge("teefusion.distillation.eval.latent_mse", () => Recent(runs, r => r.EvalHistory.LastOrDefault()?.LatentMse),
            null, "Last evaluation: mean squared difference of the student's final latents from the teacher's.");
        meter.CreateObservableGauge("teefusion.distillation.eval.psnr", () => Recent(runs, r => r.EvalHistory.LastOrDefault()?.ImagePsnr),
            null, "Last evaluation: mean PSNR in dB of the student's images against the teacher's (higher is closer).");
        meter.CreateObservableGauge("teefusion.distillation.run.state", () => Recent(runs, _ => 1.0, withState: true),
            null, "1 for the run's current state.");
        // Every final state from the start, 0 included: Prometheus' increase() needs a sample before the first failure.
        meter.CreateObservableCounter("teefusion.distillation.runs.ended", () => Ended(runs), "{run}",
            "Runs that ended, by final state, since the process started.");
    }

    private static IEnumerable<Measurement<double>> Recent(DistillationRuns runs, Func<DistillationRunResponse, double?> value, bool withState = false)
    {
        foreach (var run in runs.All().Take(RecentRuns).Select(r => r.Snapshot()))
        {
            if (value(run) is not { } v) continue;
            var id = new KeyValuePair<string, object?>(RunTag, run.Id);
            yield return withState ? new Measurement<double>(v, id, State(run.State)) : new Measurement<double>(v, id);
        }
    }

    // Runs are kept for the process's life, so the count of each final state only grows: a counter.
    private static IEnumerable<Measurement<long>> Ended(DistillationRuns runs)
    {
        var states = runs.All().Select(r => r.Snapshot().State).ToList();
        return EndStates.Select(state => new Measurement<long>(states.Count(s => s == state), State(state)));
    }

    private static KeyValuePair<string, object?> State(DistillationRunState state) => new(StateTag, state.ToString().ToLowerInvariant());
}
