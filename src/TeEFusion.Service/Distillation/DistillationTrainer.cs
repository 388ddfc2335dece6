using System.Diagnostics;
using Microsoft.Extensions.Options;
using TeEFusion.Core.Distillation;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Runtime;
using TeEFusion.Service.Models;
using TeEFusion.Service.Options;
using TorchSharp;

namespace TeEFusion.Service.Distillation;

/// <summary>
/// The device worker's side of a distillation run: it owns the teacher (the served folder's transformer loaded
/// with txt_align_guidance off, float32), the encoded prompts and the <see cref="TeEFusionDistiller"/>, and advances the
/// active run by exactly one optimizer step per <see cref="RunIteration"/> call. Only the worker thread calls it, so
/// TorchSharp's thread-local dispose scopes and the single-device rule both hold. A run whose checkpoint folder
/// already holds a checkpoint resumes from it.
/// </summary>
public sealed class DistillationTrainer(
    DistillationRuns runs,
    ModelHost host,
    IOptions<ModelOptions> model,
    IOptions<DeviceOptions> device,
    IOptions<DistillationOptions> options,
    TimeProvider time,
    ILogger<DistillationTrainer> logger) : IDisposable
{
    private DistillationRun? _run;
    private SD3Components? _teacher;
    private DistillationPrompts? _prompts;
    private TeEFusionDistiller? _distiller;
    private DistillationPrompts? _evalPrompts;
    private DistillationEvaluator? _evaluator;
    private int _firstIteration;

    /// <summary>True when a run is waiting for its next iteration.</summary>
    public bool HasWork => runs.Active is not null;

    /// <summary>One optimizer step of the active run (the first call also loads the teacher); ends the run when due.</summary>
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
            if (!ReferenceEquals(run, _run)) Begin(run);
            var distiller = _distiller!;
            var clock = Stopwatch.StartNew();
            var loss = distiller.Step();
            var interval = distiller.Settings.CheckpointInterval;
            var last = distiller.Iteration == distiller.Settings.Iterations;
            if (last || (interval > 0 && distiller.Iteration % interval == 0)) DistillationCheckpoint.Save(run.Directory, distiller);
            run.Progressed(distiller.Iteration, loss, clock.Elapsed);
            if (OverBound(run, distiller) is { } overrun)
            {
                End(DistillationRunState.Failed, overrun);
                return;
            }
            var every = run.Plan.EvalInterval;
            if (last || (every > 0 && distiller.Iteration % every == 0)) Evaluate(run, distiller);
            if (last)
            {
                using (var student = distiller.ExportStudent())
                    DistillationCheckpoint.SaveTransformer(Path.Combine(run.Directory, DistillationCheckpoint.TransformerFolder), student);
                End(DistillationRunState.Succeeded, null);
            }
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
        var served = host.ModelPath ?? throw new InvalidOperationException("No model is served: Model:Path is not set and no bundled model was found.");
        // A served student that carries its teacher (the bundled model does) is distilled again from that teacher.
        var path = StudentModelFolder.TeacherOf(served);
        logger.LogInformation("Distillation run {RunId}: loading the teacher from {ModelPath}", run.Id, path);
        _teacher = SD3Components.Load(path, ComputeOptions.Parse(device.Value.Device, "float32"), txtAlignGuidance: false,
            model.Value.MaxSequenceLength);
        var latent = _teacher.Transformer.Config.SampleSize;
        var settings = run.Plan.Settings with { LatentHeight = latent, LatentWidth = latent };
        _prompts = DistillationPrompts.Encode(_teacher, run.Plan.Prompts);
        _distiller = DistillationCheckpoint.FindLatest(run.Directory) is not null
            ? TeEFusionDistiller.Resume(run.Directory, _teacher.Transformer, _teacher.Scheduler, _prompts, settings)
            : new TeEFusionDistiller(_teacher.Transformer, _teacher.Scheduler, _prompts, settings);
        run.Started(time.GetUtcNow(), _distiller.Iteration, _distiller.LossHistory);
        _firstIteration = _distiller.Iteration;
        if (run.Plan.EvalPrompts.Count > 0)
        {
            // Seed 0 and the middle of the g range: fixed, so that every evaluation of the run is comparable.
            _evalPrompts = DistillationPrompts.Encode(_teacher, run.Plan.EvalPrompts);
            _evaluator = new DistillationEvaluator(_teacher.Transformer, _teacher.Scheduler, _evalPrompts, settings.Teacher, settings.Steps,
                (settings.GuidanceMin + settings.GuidanceMax) / 2, [0], latent, latent, _teacher.Vae);
            Evaluate(run, _distiller);
        }
        logger.LogInformation("Distillation run {RunId} running from iteration {Iteration}/{Iterations}", run.Id, _distiller.Iteration,
            settings.Iterations);
    }

    // Serving comes first: a run whose iterations keep jobs waiting longer than the configured bound is stopped (its
    // checkpoints stay, so it can be resumed with a cheaper recipe or a larger bound).
    private string? OverBound(DistillationRun run, TeEFusionDistiller distiller)
    {
        var bound = options.Value.MaxInferenceWaitMilliseconds;
        if (bound == 0 || distiller.Iteration - _firstIteration < Math.Max(1, options.Value.BoundGraceIterations)) return null;
        var average = run.Snapshot().IterationMs;
        return average <= bound
            ? null
            : $"Iterations take {average:F0} ms on average, above Distillation:MaxInferenceWaitMilliseconds ({bound} ms), so inference jobs " +
              "would wait that long; lower batch_size, steps or steps_per_trajectory, or raise the bound.";
    }

    private void Evaluate(DistillationRun run, TeEFusionDistiller distiller)
    {
        if (_evaluator is null) return;
        using var noGrad = torch.no_grad();
        using var student = distiller.ExportStudent();
        var e = _evaluator.Evaluate(student);
        run.Evaluated(new DistillationEvalPoint(distiller.Iteration, e.LatentMse, e.ImagePsnr, e.StudentPassesPerImage, e.TeacherPassesPerImage,
            e.StudentMilliseconds, e.TeacherMilliseconds, e.Images, e.StudentMsPerImage, e.TeacherMsPerImage, e.DecodeMsPerImage));
    }

    private void End(DistillationRunState state, string? error)
    {
        if (_run is not null && state != DistillationRunState.Succeeded) DistillationRecovery.MarkEnded(_run, state);
        _run?.Finished(state, time.GetUtcNow(), error);
        logger.LogInformation("Distillation run {RunId} {State}", _run?.Id, state);
        Release();
    }

    private void Release()
    {
        _evaluator?.Dispose();
        _evalPrompts?.Dispose();
        _distiller?.Dispose();
        _prompts?.Dispose();
        _teacher?.Dispose();
        _evaluator = null;
        _evalPrompts = null;
        _distiller = null;
        _prompts = null;
        _teacher = null;
        _run = null;
    }
}
