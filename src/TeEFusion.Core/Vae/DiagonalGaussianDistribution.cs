// Mirrors diffusers/models/autoencoders/vae.py DiagonalGaussianDistribution (deterministic=False).
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Vae;

/// <summary>The encoder's posterior. Owns its tensors: dispose it (or let a dispose scope do it).</summary>
public sealed class DiagonalGaussianDistribution : IDisposable
{
    /// <summary>Splits moments (B, 2L, h, w) into mean and log-variance along channels, clamping the latter as diffusers does.</summary>
    public DiagonalGaussianDistribution(Tensor parameters)
    {
        using var scope = NewDisposeScope();
        var chunks = parameters.chunk(2, dim: 1);
        Mean = chunks[0].MoveToOuterDisposeScope();                          // (B, L, h, w)
        LogVar = chunks[1].clamp(-30.0, 20.0).MoveToOuterDisposeScope();   // (B, L, h, w)
        Std = LogVar.mul(0.5).exp().MoveToOuterDisposeScope();             // (B, L, h, w)
    }

    public Tensor Mean { get; }
    public Tensor LogVar { get; }
    public Tensor Std { get; }

    /// <summary>The mode, which for a Gaussian is the mean (a new handle, so disposing it leaves this object intact).</summary>
    public Tensor Mode() => Mean.alias();

    /// <summary>mean + std·ε with ε ~ N(0, I) drawn from <paramref name="generator"/> (the global stream when null).</summary>
    public Tensor Sample(Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var noise = randn(Mean.shape, dtype: Mean.dtype, device: Mean.device, generator: generator); // (B, L, h, w)
        return (Mean + Std * noise).MoveToOuterDisposeScope();                                        // (B, L, h, w)
    }

    public void Dispose()
    {
        Mean.Dispose();
        LogVar.Dispose();
        Std.Dispose();
    }
}
