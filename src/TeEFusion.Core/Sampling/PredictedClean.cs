using static TorchSharp.torch;

namespace TeEFusion.Core.Sampling;

/// <summary>
/// The clean image a flow-matching step predicts: with x_σ = (1 − σ)·x0 + σ·ε the model's velocity is v = ε − x0, so
/// x̂0 = x_σ − σ·v. Read off a step's input and output, v = (x_next − x)/(σ_next − σ): exact for the Euler samplers
/// (student, euler-cfg); for a reflective sampler (z-sampling, w2sd) it is the step's net velocity, whose x̂0 is what
/// the step moved towards. On a last step (σ_next = 0) x̂0 is x_next itself.
/// </summary>
public static class PredictedClean
{
    /// <summary>x̂0 for one step of one sample, in float32.</summary>
    /// <param name="latents">x at <paramref name="sigma"/>, (B, C, h, w).</param>
    /// <param name="next">x at <paramref name="sigmaNext"/>, the step's output, same shape.</param>
    /// <param name="sigma">σ the step started at.</param>
    /// <param name="sigmaNext">σ it ended at; must differ from <paramref name="sigma"/>.</param>
    public static Tensor FromStep(Tensor latents, Tensor next, double sigma, double sigmaNext)
    {
        if (sigma == sigmaNext) throw new ArgumentException($"A step must change σ; got σ = σ_next = {sigma}.", nameof(sigmaNext));
        using var scope = NewDisposeScope();
        var x = latents.to(ScalarType.Float32);                                         // (B, C, h, w)
        var v = (next.to(ScalarType.Float32) - x) / (sigmaNext - sigma);                // (B, C, h, w)
        return (x - v * sigma).MoveToOuterDisposeScope();                               // (B, C, h, w)
    }
}
