// Mirrors the denoising loop of diffusers' StableDiffusion3Pipeline (pipeline_stable_diffusion_3.py): CFG + Euler.
using TeEFusion.Core.MMDiT;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Sampling;

/// <summary>The teacher's plain sampler: v = v_u + g·(v_c − v_u) from one batched forward, 2 passes per sample.</summary>
public sealed class EulerCfg(nn.Module<SD3TransformerInput, Tensor> model) : IFlowMatchSampler
{
    public string Name => "euler-cfg";

    public SamplerStepResult Step(SamplerStepInput input)
    {
        input.Validate();
        using var scope = NewDisposeScope();
        var c = input.Conditioning;
        var next = GuidedVelocity.Denoise(model, input.Latents, input.Sigma, input.SigmaNext, c, c.Guidance); // (B, C, H, W)
        return new SamplerStepResult(next.MoveToOuterDisposeScope(), Enumerable.Repeat(GuidedVelocity.CfgPasses, c.BatchSize).ToArray());
    }
}
