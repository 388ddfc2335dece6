using static TorchSharp.torch;

namespace TeEFusion.Core.Sampling;

/// <summary>
/// Initial latents. Each sample draws from its own CPU generator seeded with its seed, so a seed gives the
/// same noise alone or inside any batch, on any device (CPU streams equal PyTorch's `torch.manual_seed(s); randn`).
/// </summary>
public static class LatentNoise
{
    /// <summary>(B, channels, latentHeight, latentWidth) standard normal noise, one seed per sample.</summary>
    public static Tensor Sample(IReadOnlyList<long> seeds, int channels, int latentHeight, int latentWidth, Device device, ScalarType dtype)
    {
        if (seeds.Count == 0) throw new ArgumentException("At least one seed is needed.", nameof(seeds));
        if (channels < 1 || latentHeight < 1 || latentWidth < 1)
            throw new ArgumentException($"Latent shape ({channels}, {latentHeight}, {latentWidth}) must be positive.");
        using var scope = NewDisposeScope();
        var samples = new Tensor[seeds.Count];
        for (var i = 0; i < seeds.Count; i++)
        {
            if (seeds[i] < 0) throw new ArgumentOutOfRangeException(nameof(seeds), seeds[i], "Seeds must be non-negative.");
            using var generator = new Generator((ulong)seeds[i], CPU);
            samples[i] = randn([1, channels, latentHeight, latentWidth], ScalarType.Float32, CPU, generator: generator); // (1, C, h, w)
        }
        return cat(samples, 0).to(device).to(dtype).MoveToOuterDisposeScope();                                            // (B, C, h, w)
    }
}
