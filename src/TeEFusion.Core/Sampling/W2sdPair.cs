namespace TeEFusion.Core.Sampling;

/// <summary>One side of a W2SD weak/strong pair: how the shared model is guided and which blocks it skips.</summary>
/// <param name="Guidance">CFG scale; null means the sample's own g.</param>
/// <param name="SkipLayers">Transformer blocks to skip (diffusers' skip_layers); null or empty runs all blocks.</param>
public sealed record W2sdModelSetting(double? Guidance = null, IReadOnlySet<int>? SkipLayers = null);

/// <summary>
/// The weak/strong difference W2SD reflects along: the latents are denoised with <see cref="Strong"/> and
/// inverted with <see cref="Weak"/>.
/// </summary>
public sealed record W2sdPair(W2sdModelSetting Strong, W2sdModelSetting Weak)
{
    /// <summary>A guidance gap (the reference's cfg_gap_list, default [5.5, 1.0]): both sides run the full model.</summary>
    public static W2sdPair GuidanceGap(double strong, double weak) => new(new(strong), new(weak));

    /// <summary>
    /// A depth gap: the weak side is the same model with <paramref name="skipLayers"/> skipped; both use the
    /// sample's g unless <paramref name="guidance"/> is given.
    /// </summary>
    public static W2sdPair SkippedLayers(IReadOnlySet<int> skipLayers, double? guidance = null)
    {
        if (skipLayers.Count == 0) throw new ArgumentException("A skipped-layers pair needs at least one layer to skip.", nameof(skipLayers));
        return new(new(guidance), new(guidance, skipLayers));
    }
}
