namespace TeEFusion.Core.Distillation;

/// <summary>
/// What a run is configured with (by `teefusion distill` and POST /admin/distillations alike, through
/// <see cref="DistillationKnobs"/>): the recipe, and how often the student is evaluated, which does not shape the training.
/// </summary>
/// <param name="Settings">The recipe.</param>
/// <param name="EvalInterval">Evaluate every this many optimizer steps (and before the first and after the last); 0 evaluates only before and after.</param>
public sealed record DistillationRunSettings(DistillationSettings Settings, int EvalInterval = 0)
{
    /// <summary>Throws <see cref="ArgumentException"/> whose ParamName is the offending field.</summary>
    public void Validate()
    {
        Settings.Validate();
        if (EvalInterval < 0) throw new ArgumentException($"EvalInterval must be ≥ 0; got {EvalInterval}.", nameof(EvalInterval));
    }
}
