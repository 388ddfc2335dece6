using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>One configuration's results, per split.</summary>
/// <param name="Name">The configuration's CLI name (<see cref="ShapeBenchConfiguration.Name"/>).</param>
/// <param name="Label">Its table label.</param>
/// <param name="Model">"student" or "teacher": which folder ran.</param>
/// <param name="Sampler">The pipeline sampler, as image metadata names it.</param>
/// <param name="Guidance">The g it ran at.</param>
/// <param name="Splits">Seen first, then held-out.</param>
public sealed record ShapeBenchConfigurationResult(string Name, string Label, string Model, string Sampler, double Guidance,
    IReadOnlyList<ShapeBenchSplitResult> Splits)
{
    /// <summary>The result of one split by name ("seen" or "held-out").</summary>
    public ShapeBenchSplitResult Split(ShapeSplit split) => Splits.Single(s => s.Split == ShapeBenchSplitResult.NameOf(split));
}
