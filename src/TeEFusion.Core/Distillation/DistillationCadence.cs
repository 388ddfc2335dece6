namespace TeEFusion.Core.Distillation;

/// <summary>What is due after an optimizer step.</summary>
/// <param name="Checkpoint">Write a checkpoint.</param>
/// <param name="Evaluate">Evaluate the student (when the run has held-out prompts).</param>
/// <param name="Finish">The run is complete: export the final student and mark the run succeeded.</param>
public sealed record DistillationDue(bool Checkpoint, bool Evaluate, bool Finish);

/// <summary>The checkpoint, evaluation and export cadence of a run, for every caller that steps one.</summary>
public static class DistillationCadence
{
    /// <summary>
    /// What is due once <paramref name="iteration"/> optimizer steps are done: a checkpoint every
    /// <paramref name="checkpointInterval"/> steps and an evaluation every <paramref name="evalInterval"/> (0: neither
    /// on a schedule), and at the last step all three, so that a finished run always ends on a checkpoint, an evaluation
    /// and its exported student.
    /// </summary>
    public static DistillationDue After(int iteration, int iterations, int checkpointInterval, int evalInterval)
    {
        var last = iteration >= iterations;
        return new DistillationDue(last || Every(checkpointInterval), last || Every(evalInterval), last);

        bool Every(int interval) => interval > 0 && iteration % interval == 0;
    }
}
