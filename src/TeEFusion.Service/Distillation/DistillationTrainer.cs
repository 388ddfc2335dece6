using Microsoft.Extensions.Options;
using TeEFusion.Core.Distillation;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Runtime;
using TeEFusion.Service.Models;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Distillation;

/// <summary>
/// The device worker's side of a distillation run: it owns the teacher (the plan's teacher folder loaded with
/// txt_align_guidance off, float32) and the run's <see cref="DistillationSession"/>, and advances the active run by exactly
/// one optimizer step per <see cref="RunIteration"/> call. Only the worker thread calls it, so TorchSharp's thread-local
/// dispose scopes and the single-device rule both hold. A run whose folder already holds a checkpoint resumes from it.
/// </summary>
public sealed class DistillationTrainer(
    DistillationRuns runs,
    IOptions<ModelOptions> model,
    IOptions<DeviceOptions> device,
    IOptions<DistillationOptions> options,
    TimeProvider time,
    ILogger<DistillationTrainer> logger) : IDisposable
{
    private DistillationRun? _run;
    private SD3Components? _teacher;
    private DistillationSession? _session;
    private int _firstIteration;

    /// <summary>True when a run is waiting for its next iteration.</summary>
    public bool HasWork => runs.Active is not null;

    /// <summary>
    /// One optimizer step of the active run (the first call loads the teacher and opens the run instead); ends the run
    /// when it is canceled, finished, or too slow for the inference it shares the device with.
    /// </summary>
    public void RunIteration()
    {
        var run = runs.Active;
        if (run is null) return;
        try
        {
            if (run.CancelRequested)
            {
                _run = run;
                End(DistillationRunState.Canceled, "Canceled by an administrator.");
                return;
            }
            if (!ReferenceEquals(run, _run))
            {
                Begin(run);
                if (_session!.IsFinished) End(DistillationRunState.Succeeded, null);
                return;
            }
            if (OverBound(run) is { } overrun)
            {
                End(DistillationRunState.Failed, overrun);
                return;
            }
            var step = _session!.Step();
            run.Progressed(step.Iteration, step.Loss, step.TrainingTime);
            if (step.Evaluation is { } evaluation) run.Evaluated(DistillationEvalPoint.From(step.Iteration, evaluation));
            if (step.Finished) End(DistillationRunState.Succeeded, null);
        }
        // The boundary of a training run: whatever went wrong ends this run, never the worker or the inference it serves.
        catch (Exception e)
        {
            logger.LogError(e, "Distillation run {RunId} failed", run.Id);
            if (!ReferenceEquals(run, _run)) _run = run;
            End(DistillationRunState.Failed, e.Message);
        }
    }

    public void Dispose() => Release();

    private void Begin(DistillationRun run)
    {
        Release();
        _run = run;
        var path = run.Plan.Models.TeacherFolder;
        logger.LogInformation("Distillation run {RunId}: loading the teacher from {ModelPath}", run.Id, path);
        _teacher = SD3Components.Load(path, ComputeOptions.Parse(device.Value.ModelDevice, "float32"), txtAlignGuidance: false,
            model.Value.MaxSequenceLength);
        var latent = _teacher.Transformer.Config.SampleSize;
        var settings = run.Plan.RunSettings with { Settings = run.Plan.Settings with { LatentHeight = latent, LatentWidth = latent } };
        _session = new DistillationSession(run.Folder, _teacher, run.Plan.Prompts, run.Plan.EvalPrompts, settings);
        run.Started(time.GetUtcNow(), _session.Iteration, _session.LossHistory);
        _firstIteration = _session.Iteration;
        if (_session.OpeningEvaluation is { } evaluation) run.Evaluated(DistillationEvalPoint.From(_session.Iteration, evaluation));
        logger.LogInformation("Distillation run {RunId} running from iteration {Iteration}/{Iterations}", run.Id, _session.Iteration,
            settings.Settings.Iterations);
    }

    // Serving comes first: a run whose iterations keep jobs waiting longer than the configured bound is stopped before
    // its next iteration (its checkpoints stay, so it can be resumed with a cheaper recipe or a larger bound).
    private string? OverBound(DistillationRun run)
    {
        var bound = options.Value.MaxInferenceWaitMilliseconds;
        if (bound == 0 || _session!.Iteration - _firstIteration < Math.Max(1, options.Value.BoundGraceIterations)) return null;
        var average = run.Snapshot().IterationMs;
        return average <= bound
            ? null
            : $"Iterations take {average:F0} ms on average, above Distillation:MaxInferenceWaitMilliseconds ({bound} ms), so inference jobs " +
              "would wait that long; lower batch_size, steps or steps_per_trajectory, or raise the bound.";
    }

    // A successful session marks its folder itself, after exporting the student.
    private void End(DistillationRunState state, string? error)
    {
        if (_run is not null && state != DistillationRunState.Succeeded) _run.Folder.MarkEnded(state);
        _run?.Finished(state, time.GetUtcNow(), error);
        logger.LogInformation("Distillation run {RunId} {State}", _run?.Id, state);
        Release();
    }

    private void Release()
    {
        _session?.Dispose();
        _teacher?.Dispose();
        _session = null;
        _teacher = null;
        _run = null;
    }
}
