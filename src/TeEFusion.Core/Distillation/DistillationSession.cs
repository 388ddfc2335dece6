using System.Diagnostics;
using TeEFusion.Core.Pipelines;
using static TorchSharp.torch;

namespace TeEFusion.Core.Distillation;

/// <summary>
/// One distillation run in its <see cref="DistillationRunFolder"/>, for every front end (the service's device worker,
/// `teefusion distill`, the tiny-shapes trainer): it owns the encoded prompts, the <see cref="TeEFusionDistiller"/>
/// (resumed from the folder's latest checkpoint when there is one) and, with held-out prompts, the evaluator.
/// <see cref="Step"/> advances the run by one optimizer step and does what <see cref="DistillationCadence"/> says is due:
/// a checkpoint, an evaluation, and after the last step the export of the final student (transformer/) and the end
/// marker. Synchronous: dispose scopes are thread-local, so call it from one thread.
/// </summary>
public sealed class DistillationSession : IDisposable
{
    private readonly DistillationPrompts? _prompts;
    private readonly DistillationPrompts? _heldOut;
    private readonly DistillationEvaluator? _evaluator;
    private readonly TeEFusionDistiller _distiller;

    /// <summary>
    /// Opens the run in <paramref name="folder"/>, evaluates the student once with held-out prompts
    /// (<see cref="OpeningEvaluation"/>), and finishes it at once when its checkpoints already reach the last iteration.
    /// </summary>
    /// <param name="folder">The run's folder; a checkpoint in it is resumed, with settings that must be its own.</param>
    /// <param name="teacher">The teacher's components (transformer built without txt_align_guidance); not owned.</param>
    /// <param name="prompts">Training prompts.</param>
    /// <param name="evalPrompts">Held-out prompts; empty evaluates nothing.</param>
    /// <param name="run">The run's settings, latent size included.</param>
    public DistillationSession(DistillationRunFolder folder, SD3Components teacher, IReadOnlyList<string> prompts,
        IReadOnlyList<string> evalPrompts, DistillationRunSettings run)
    {
        run.Validate();
        Folder = folder;
        RunSettings = run;
        try
        {
            _prompts = DistillationPrompts.Encode(teacher, prompts);
            _distiller = folder.LatestCheckpoint() is not null
                ? TeEFusionDistiller.Resume(folder, teacher.Transformer, teacher.Scheduler, _prompts, run.Settings)
                : new TeEFusionDistiller(teacher.Transformer, teacher.Scheduler, _prompts, run.Settings);
            if (evalPrompts.Count > 0)
            {
                _heldOut = DistillationPrompts.Encode(teacher, evalPrompts);
                _evaluator = DistillationEvaluator.ForRun(teacher, _heldOut, run.Settings);
                OpeningEvaluation = Evaluate();
            }
            // A run that is still short of its last step is not ended, whatever an earlier, shorter run marked.
            if (Iteration >= run.Settings.Iterations) Finish();
            else folder.ClearEnded();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public DistillationRunFolder Folder { get; }

    public DistillationRunSettings RunSettings { get; }

    public DistillationSettings Settings => RunSettings.Settings;

    /// <summary>Optimizer steps done.</summary>
    public int Iteration => _distiller.Iteration;

    /// <summary>Mean training loss of each optimizer step so far, resumed ones included.</summary>
    public IReadOnlyList<double> LossHistory => _distiller.LossHistory;

    /// <summary>The student's evaluation when the session was opened; null without held-out prompts.</summary>
    public DistillationEvaluation? OpeningEvaluation { get; }

    /// <summary>True once the final student is exported and the run is marked succeeded.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>One optimizer step, then the checkpoint, evaluation and export that are due after it.</summary>
    /// <exception cref="InvalidOperationException">The run is finished, or the loss is not finite.</exception>
    public DistillationStep Step()
    {
        if (IsFinished) throw new InvalidOperationException($"The run under {Folder.Root} finished at iteration {Iteration}.");
        var clock = Stopwatch.StartNew();
        var loss = _distiller.Step();
        var due = DistillationCadence.After(Iteration, Settings.Iterations, Settings.CheckpointInterval, RunSettings.EvalInterval);
        if (due.Checkpoint) DistillationCheckpoint.Save(Folder, _distiller);
        var trainingTime = clock.Elapsed;
        var evaluation = due.Evaluate ? Evaluate() : null;
        if (due.Finish) Finish();
        return new DistillationStep(Iteration, Settings.Iterations, loss, _distiller.LearningRateAt(Iteration - 1), trainingTime,
            due.Checkpoint, evaluation, due.Finish);
    }

    /// <summary>Steps until the run is finished, reporting each step.</summary>
    public void Run(Action<DistillationStep>? progress = null, CancellationToken cancellation = default)
    {
        while (!IsFinished)
        {
            cancellation.ThrowIfCancellationRequested();
            var step = Step();
            progress?.Invoke(step);
        }
    }

    private DistillationEvaluation? Evaluate()
    {
        if (_evaluator is null) return null;
        using var noGrad = no_grad();
        using var student = _distiller.ExportStudent();
        return _evaluator.Evaluate(student);
    }

    // The marker goes last: a run interrupted before it resumes from its final checkpoint and finishes again.
    private void Finish()
    {
        using (var student = _distiller.ExportStudent()) DistillationCheckpoint.SaveTransformer(Folder.TransformerDirectory, student);
        Folder.MarkEnded(DistillationRunState.Succeeded);
        IsFinished = true;
    }

    public void Dispose()
    {
        _evaluator?.Dispose();
        _heldOut?.Dispose();
        _distiller?.Dispose();
        _prompts?.Dispose();
    }
}
