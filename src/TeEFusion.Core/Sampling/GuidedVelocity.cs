// The classifier-free-guidance forward of diffusers' StableDiffusion3Pipeline (pipeline_stable_diffusion_3.py),
// plus the zig (denoise) and zag (invert) moves that Z-Sampling and W2SD build from it.
using TeEFusion.Core.MMDiT;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Sampling;

/// <summary>Guided model evaluations shared by the teacher samplers. Each CFG evaluation costs 2 passes per sample.</summary>
internal static class GuidedVelocity
{
    public const int CfgPasses = 2;

    /// <summary>σ·1000 in float32, exactly the values diffusers' schedule feeds the model, <paramref name="repeat"/> times over.</summary>
    public static Tensor Timesteps(float[] sigma, Device device, int repeat = 1)
    {
        var t = new double[sigma.Length * repeat];
        for (var i = 0; i < t.Length; i++) t[i] = sigma[i % sigma.Length] * 1000f; // the float32 product, widened exactly
        return PerSampleValues.Tensor(t, ScalarType.Float32, device);                          // (repeat·B)
    }

    /// <summary>
    /// v_u + g·(v_c − v_u) with the unconditional and conditional rows in ONE forward (uncond first, as diffusers).
    /// The model is evaluated at timestep <paramref name="sigma"/>·1000.
    /// </summary>
    public static Tensor Cfg(nn.Module<SD3TransformerInput, Tensor> model, Tensor x, float[] sigma,
        SamplingConditioning conditioning, double[] guidance, IReadOnlySet<int>? skipLayers = null)
    {
        using var scope = NewDisposeScope();
        var batch = x.shape[0];
        var input = new SD3TransformerInput(
            cat([x, x], 0),                                                                    // (2B, C, H, W)
            cat([conditioning.Negative.EncoderHiddenStates, conditioning.Prompt.EncoderHiddenStates], 0), // (2B, T, D)
            cat([conditioning.Negative.Pooled, conditioning.Prompt.Pooled], 0),                 // (2B, P)
            Timesteps(sigma, x.device, repeat: 2),                                             // (2B)
            SkipLayers: skipLayers);
        var v = model.call(input);                                                             // (2B, C, H, W)
        var uncond = v.narrow(0, 0, batch);                                                    // (B, C, H, W)
        var cond = v.narrow(0, batch, batch);                                                  // (B, C, H, W)
        return Combine(uncond, cond, guidance).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// diffusers computes v_u + g·(v_c − v_u) in the model dtype with g a Python float; each operation rounds
    /// once to that dtype, which the float32 product cast back reproduces for a per-sample g.
    /// </summary>
    public static Tensor Combine(Tensor uncond, Tensor cond, double[] guidance)
    {
        using var scope = NewDisposeScope();
        var diff = (cond - uncond).to(ScalarType.Float32);                                     // (B, C, H, W)
        var product = PerSampleValues.Shared(guidance) is { } shared
            ? diff * (float)shared
            : PerSampleValues.Tensor(guidance, ScalarType.Float32, cond.device).view(guidance.Length, 1, 1, 1) * diff;
        var scaled = product.to(cond.dtype);                                                   // (B, C, H, W)
        return (uncond + scaled).MoveToOuterDisposeScope();                                    // (B, C, H, W)
    }

    /// <summary>Zig: a guided Euler step from σ to σ_next.</summary>
    public static Tensor Denoise(nn.Module<SD3TransformerInput, Tensor> model, Tensor x, float[] sigma, float[] sigmaNext,
        SamplingConditioning conditioning, double[] guidance, IReadOnlySet<int>? skipLayers = null)
    {
        using var scope = NewDisposeScope();
        var v = Cfg(model, x, sigma, conditioning, guidance, skipLayers);
        return FlowMatchEulerDiscreteScheduler.Step(x, v, sigma, sigmaNext).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Zag: the flow-matching port of the references' DDIM inversion, x_σ = x_σnext + (σ − σ_next)·v. Like the
    /// references (which call the model with the current `t` during inversion), v is evaluated at timestep σ·1000
    /// on the latents that sit at σ_next.
    /// </summary>
    /// <remarks>
    /// Deliberate deviation: the references call DDIMInverseScheduler.step(timesteps[i + 1]), which with SDXL's
    /// "leading" spacing maps ᾱ(t_{i+1} − Δ) to ᾱ(t_{i+1}), i.e. lands one level short of t_i. We go back to σ_i
    /// as the papers describe, so that the following zig starts from the σ it is evaluated at.
    /// </remarks>
    public static Tensor Invert(nn.Module<SD3TransformerInput, Tensor> model, Tensor xNext, float[] sigma, float[] sigmaNext,
        SamplingConditioning conditioning, double[] guidance, IReadOnlySet<int>? skipLayers = null)
    {
        using var scope = NewDisposeScope();
        var v = Cfg(model, xNext, sigma, conditioning, guidance, skipLayers);
        return FlowMatchEulerDiscreteScheduler.Step(xNext, v, sigmaNext, sigma).MoveToOuterDisposeScope();
    }
}
