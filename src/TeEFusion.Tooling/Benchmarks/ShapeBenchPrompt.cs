using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// One image ShapeBench generates: its split, the prompt, a noise seed, and what the image must show: a single-object
/// combination or a two-object one (exactly one of them is set).
/// </summary>
public sealed record ShapeBenchPrompt(ShapeBenchSplit Split, string Caption, long Seed, ShapeAttributes? Single, ShapePairAttributes? Pair)
{
    /// <summary>A single-object prompt.</summary>
    public ShapeBenchPrompt(ShapeBenchSplit split, string caption, long seed, ShapeAttributes single) : this(split, caption, seed, single, null) { }

    /// <summary>A two-object prompt.</summary>
    public ShapeBenchPrompt(ShapeBenchSplit split, string caption, long seed, ShapePairAttributes pair) : this(split, caption, seed, null, pair) { }

    /// <summary>Reads the image (RGB, 64×64) and scores it against the prompt; no detectable object (pair) is wrong on all five.</summary>
    public ShapeBenchImage Read(ReadOnlySpan<byte> rgb)
    {
        if (Pair is { } pair)
        {
            var read = ShapeDetector.DetectPair(rgb);
            return new ShapeBenchImage(Caption, Seed, read?.Caption, read?.Mismatches(pair) ?? ShapeBenchSplitResult.Attributes);
        }
        var detected = ShapeDetector.Detect(rgb).Attributes;
        return new ShapeBenchImage(Caption, Seed, detected?.Caption, detected?.Mismatches(Single ?? throw new InvalidOperationException("The prompt names no scene to score against.")) ?? ShapeBenchSplitResult.Attributes);
    }
}
