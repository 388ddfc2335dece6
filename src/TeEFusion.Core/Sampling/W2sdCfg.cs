// Flow-matching port of W2SD: xie-lab-ml/Weak-to-Strong-Diffusion-with-Reflection utils/pipeline_stable_diffusion_xl.py
// (`reflection_operation`, `w2sd_lora`), where it runs on SDXL with DDIM and DDIMInverseScheduler.
using TeEFusion.Core.MMDiT;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Sampling;

/// <summary>
/// Weak-to-strong diffusion with reflection. On every step but the last: denoise with the strong setting,
/// invert back to σ with the weak one, then take the normal CFG step with the sample's g.
/// 6 passes per sample per reflected step (the reference batches cond/uncond on both reflection passes), 2 on the last.
/// </summary>
public sealed class W2sdCfg(nn.Module<SD3TransformerInput, Tensor> model, W2sdPair pair) : IFlowMatchSampler
{
    public string Name => "w2sd-cfg";

    public W2sdPair Pair => pair;

    public SamplerStepResult Step(SamplerStepInput input)
    {
        input.Validate();
        using var scope = NewDisposeScope();
        var c = input.Conditioning;
        var passes = Enumerable.Repeat(GuidedVelocity.CfgPasses, c.BatchSize).ToArray(); // the main CFG step, every sample
        var rows = BatchRows.Where(c.BatchSize, b => input.SigmaNext[b] > 0);
        var x = BatchRows.Update(input.Latents, rows, input, (xr, sigma, sigmaNext, cond) =>
        {
            var strong = GuidedVelocity.Denoise(model, xr, sigma, sigmaNext, cond, GuidanceOf(pair.Strong, cond), SkipOf(pair.Strong)); // (R, C, H, W) at σ_next
            return GuidedVelocity.Invert(model, strong, sigma, sigmaNext, cond, GuidanceOf(pair.Weak, cond), SkipOf(pair.Weak));      // (R, C, H, W) at σ
        });
        BatchRows.Count(passes, rows, 2 * GuidedVelocity.CfgPasses);

        var next = GuidedVelocity.Denoise(model, x, input.Sigma, input.SigmaNext, c, c.Guidance); // (B, C, H, W)
        return new SamplerStepResult(next.MoveToOuterDisposeScope(), passes);
    }

    private static double[] GuidanceOf(W2sdModelSetting setting, SamplingConditioning cond) =>
        setting.Guidance is { } g ? Enumerable.Repeat(g, cond.BatchSize).ToArray() : cond.Guidance;

    private static IReadOnlySet<int>? SkipOf(W2sdModelSetting setting) =>
        setting.SkipLayers is { Count: > 0 } skip ? skip : null;
}
