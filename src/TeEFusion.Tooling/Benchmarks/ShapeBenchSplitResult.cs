namespace TeEFusion.Tooling.Benchmarks;

/// <summary>How one configuration did on one split: accuracy per attribute, all-correct rate and cost.</summary>
/// <param name="Split">The split's name (<see cref="ShapeBenchSplit.Name"/>): "seen", "held-out", "wording seen", ….</param>
/// <param name="Accuracy">Fraction of images whose attribute was read as the prompt says, per attribute in <see cref="Attributes"/> order.</param>
/// <param name="AllCorrect">Fraction of images with every attribute right.</param>
/// <param name="NoObject">Images where the detector found no object.</param>
/// <param name="PassesPerImage">Transformer passes per image (one batch row of one forward = 1), as the sampler counted them.</param>
/// <param name="MsPerImage">Wall time of the timed Generate calls over the images they made (loading and warm-up excluded).</param>
/// <param name="DenoiseMsPerImage">The part of <paramref name="MsPerImage"/> spent in the sampler's denoising loop, the part guidance distillation cuts.</param>
/// <param name="Images">Every image, in generation order.</param>
public sealed record ShapeBenchSplitResult(string Split, IReadOnlyDictionary<string, double> Accuracy, double AllCorrect, int NoObject,
    double PassesPerImage, double MsPerImage, double DenoiseMsPerImage, IReadOnlyList<ShapeBenchImage> Images)
{
    /// <summary>The attributes scored, as <see cref="ShapeAttributes.Mismatches"/> names them (for two objects, position is the relation).</summary>
    public static IReadOnlyList<string> Attributes { get; } = ["background", "color", "shape", "position", "size"];

    /// <summary>
    /// Scores <paramref name="images"/> made with <paramref name="passes"/> model passes in all in <paramref name="wallMs"/>,
    /// <paramref name="denoiseMs"/> of it denoising.
    /// </summary>
    public static ShapeBenchSplitResult Score(string split, IReadOnlyList<ShapeBenchImage> images, long passes, double wallMs, double denoiseMs)
    {
        if (images.Count == 0) throw new ArgumentException("A split needs at least one image.", nameof(images));
        var accuracy = Attributes.ToDictionary(a => a, a => images.Count(i => !i.Wrong.Contains(a)) / (double)images.Count);
        return new ShapeBenchSplitResult(split, accuracy, images.Count(i => i.Wrong.Count == 0) / (double)images.Count,
            images.Count(i => i.Detected is null), passes / (double)images.Count, wallMs / images.Count, denoiseMs / images.Count, images);
    }
}
