namespace TeEFusion.Tooling.Benchmarks;

/// <summary>One configuration's results, per split.</summary>
/// <param name="Name">The configuration's CLI name (<see cref="ShapeBenchConfiguration.Name"/>).</param>
/// <param name="Label">Its table label.</param>
/// <param name="Model">"student" or "teacher": which folder ran.</param>
/// <param name="Sampler">The pipeline sampler, as image metadata names it.</param>
/// <param name="Guidance">The g it ran at.</param>
/// <param name="Splits">In <see cref="ShapeBenchSplit.All"/> order.</param>
public sealed record ShapeBenchConfigurationResult(string Name, string Label, string Model, string Sampler, double Guidance,
    IReadOnlyList<ShapeBenchSplitResult> Splits)
{
    /// <summary>The result of one split.</summary>
    public ShapeBenchSplitResult Split(ShapeBenchSplit split) => Splits.Single(s => s.Split == split.Name);
}
