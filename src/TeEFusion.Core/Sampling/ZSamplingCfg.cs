// Flow-matching port of Z-Sampling: xie-lab-ml/Zigzag-Diffusion-Sampling utils/pipeline_stable_diffusion_xl.py
// (`z_sampling_call`), where it runs on SDXL with DDIM and DDIMInverseScheduler.
using TeEFusion.Core.MMDiT;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Sampling;

/// <summary>
/// Z-Sampling with CFG. On step i &lt; λ: zig (denoise with γ1 = the sample's g), then <c>rounds</c> times
/// zag (invert with γ2 back to σ_i) and zig again. Other steps are plain CFG steps. Every guided evaluation
/// batches cond and uncond, even with γ2 = 0 as the reference does, so a zigzag step costs 2 + 4·rounds passes.
/// </summary>
public sealed class ZSamplingCfg : IFlowMatchSampler
{
    private readonly nn.Module<SD3TransformerInput, Tensor> _model;

    /// <param name="model">The teacher.</param>
    /// <param name="inversionGuidance">γ2, the CFG scale of the inversion (reference default 0).</param>
    /// <param name="lambdaStep">λ: zigzag on steps i &lt; λ. Null means every step but the last (the reference's default, N − 1).</param>
    /// <param name="rounds">T_max, zag/zig repetitions per step (reference default 1).</param>
    public ZSamplingCfg(nn.Module<SD3TransformerInput, Tensor> model, double inversionGuidance = 0.0, int? lambdaStep = null, int rounds = 1)
    {
        if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds), rounds, "Z-Sampling needs at least one zigzag round (T_max).");
        if (lambdaStep < 0) throw new ArgumentOutOfRangeException(nameof(lambdaStep), lambdaStep, "λ must be non-negative.");
        _model = model;
        InversionGuidance = inversionGuidance;
        LambdaStep = lambdaStep;
        Rounds = rounds;
    }

    public string Name => "z-sampling-cfg";

    public double InversionGuidance { get; }

    public int? LambdaStep { get; }

    public int Rounds { get; }

    public SamplerStepResult Step(SamplerStepInput input)
    {
        input.Validate();
        using var scope = NewDisposeScope();
        var c = input.Conditioning;
        var passes = Enumerable.Repeat(GuidedVelocity.CfgPasses, c.BatchSize).ToArray();
        var next = GuidedVelocity.Denoise(_model, input.Latents, input.Sigma, input.SigmaNext, c, c.Guidance); // (B, C, H, W)

        // The last step has no σ_next > 0 to invert from (the reference would index past its timesteps).
        var rows = BatchRows.Where(c.BatchSize, b => input.SigmaNext[b] > 0 && (LambdaStep is not { } l || input.StepIndex[b] < l));
        for (var round = 0; round < Rounds; round++)
        {
            next = BatchRows.Update(next, rows, input, (xNext, sigma, sigmaNext, cond) =>
            {
                var inversion = Enumerable.Repeat(InversionGuidance, cond.BatchSize).ToArray();
                var back = GuidedVelocity.Invert(_model, xNext, sigma, sigmaNext, cond, inversion);   // (R, C, H, W) at σ
                return GuidedVelocity.Denoise(_model, back, sigma, sigmaNext, cond, cond.Guidance);     // (R, C, H, W) at σ_next
            });
            BatchRows.Count(passes, rows, 2 * GuidedVelocity.CfgPasses);
        }
        return new SamplerStepResult(next.MoveToOuterDisposeScope(), passes);
    }
}
