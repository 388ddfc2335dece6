using TeEFusion.Core.Pipelines;
using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>What ShapeBench generates and how: splits, prompts per split, seeds, steps, guidance, batch size, configurations.</summary>
public sealed record ShapeBenchOptions
{
    /// <summary>Steps when none are given: the pipelines' default.</summary>
    public const int DefaultSteps = SD3Pipeline.DefaultSteps;

    /// <summary>Attribute combinations drawn from each split (every k-th of <see cref="ShapeSplits.Combinations"/>).</summary>
    public int PromptsPerSplit { get; init; } = 32;

    /// <summary>Seeds per combination.</summary>
    public int Seeds { get; init; } = 2;

    /// <summary>Images per Generate call; the same for every configuration so that their costs compare.</summary>
    public int BatchSize { get; init; } = 8;

    public int Steps { get; init; } = DefaultSteps;

    /// <summary>
    /// The g of the guided configurations (the no-guidance one runs at 1); null for the student folder's default
    /// (<see cref="StudentPipeline.DefaultGuidanceOf"/>). The guided teachers run at the same g as the student, since the
    /// student is compared with the teacher it was distilled to imitate at that g.
    /// </summary>
    public double? Guidance { get; init; }

    /// <summary>Untimed batches each configuration runs first (its results are dropped), so that one-off costs stay out.</summary>
    public int WarmupBatches { get; init; } = 1;

    public IReadOnlyList<ShapeBenchConfiguration> Configurations { get; init; } = ShapeBenchConfiguration.All;

    /// <summary>The splits to run, each <see cref="PromptsPerSplit"/> captions × <see cref="Seeds"/>.</summary>
    public IReadOnlyList<ShapeBenchSplit> Splits { get; init; } = ShapeBenchSplit.All;

    /// <summary>How both folders are loaded (device, dtype, text length).</summary>
    public PipelineOptions Pipeline { get; init; } = new();

    /// <exception cref="ArgumentException">A field is out of range; the message names it.</exception>
    public void Validate()
    {
        Positive(PromptsPerSplit, nameof(PromptsPerSplit));
        Positive(Seeds, nameof(Seeds));
        Positive(BatchSize, nameof(BatchSize));
        Positive(Steps, nameof(Steps));
        if (Guidance is { } g && !double.IsFinite(g)) throw new ArgumentException($"Guidance must be a finite number, got {Guidance}.", nameof(Guidance));
        if (WarmupBatches < 0) throw new ArgumentException($"WarmupBatches must not be negative, got {WarmupBatches}.", nameof(WarmupBatches));
        if (Configurations is null || Configurations.Count == 0)
            throw new ArgumentException("At least one configuration is needed.", nameof(Configurations));
        if (Splits is null || Splits.Count == 0) throw new ArgumentException("At least one split is needed.", nameof(Splits));
        Pipeline.Validate();
    }

    private static void Positive(int value, string name)
    {
        if (value < 1) throw new ArgumentException($"{name} must be at least 1, got {value}.", name);
    }
}
