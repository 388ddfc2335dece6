namespace TeEFusion.Core.Vae;

/// <summary>
/// Tiled decoding, as diffusers' AutoencoderKL.tiled_decode does it: latents larger than
/// <see cref="TileLatentSize"/> are cut into overlapping square tiles that are decoded one at a time (so peak memory
/// is that of one tile), and the decoded tiles are blended linearly over the overlap.
/// </summary>
/// <param name="TileLatentSize">Tile edge in latent pixels; diffusers uses sample_size / downsample factor (128 for SD3).</param>
/// <param name="OverlapFactor">Fraction of a tile shared with its neighbour; diffusers uses 0.25.</param>
public sealed record AutoencoderKLTilingOptions(int TileLatentSize, double OverlapFactor = 0.25)
{
    /// <summary>diffusers' defaults for a configuration (enable_tiling() with nothing changed).</summary>
    public static AutoencoderKLTilingOptions For(AutoencoderKLConfig config) =>
        new(config.SampleSize / config.DownsampleFactor);

    internal void Validate()
    {
        if (TileLatentSize < 2)
            throw new ArgumentException($"TileLatentSize must be at least 2, got {TileLatentSize}.", nameof(TileLatentSize));
        if (!(OverlapFactor >= 0 && OverlapFactor < 1))
            throw new ArgumentException($"OverlapFactor must be in [0, 1), got {OverlapFactor}.", nameof(OverlapFactor));
        if (LatentStride < 1)
            throw new ArgumentException(
                $"TileLatentSize {TileLatentSize} with OverlapFactor {OverlapFactor} leaves no stride between tiles.",
                nameof(OverlapFactor));
    }

    // Distance between tile origins in latent pixels (diffusers' overlap_size, despite the name).
    internal int LatentStride => (int)(TileLatentSize * (1 - OverlapFactor));

    // Decoded rows/columns over which two neighbouring tiles are blended.
    internal int BlendExtent(int downsampleFactor) => (int)(TileLatentSize * downsampleFactor * OverlapFactor);
}
