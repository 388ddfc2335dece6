// Mirrors the denoising loop of AIDC-AI/TeEFusion pipelines/sd3_teefusion_pipeline.py (one forward per step, no CFG).
using TeEFusion.Core.MMDiT;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Sampling;

/// <summary>
/// The TeEFusion student: guidance is fused into the conditioning (txt_align_guidance = 1000·g,
/// txt_align_vec = pooled_c − pooled_u), so each step costs one model pass per sample.
/// </summary>
public sealed class StudentEuler(nn.Module<SD3TransformerInput, Tensor> model) : IFlowMatchSampler
{
    public string Name => "student-euler";

    public SamplerStepResult Step(SamplerStepInput input)
    {
        input.Validate();
        using var scope = NewDisposeScope();
        var x = input.Latents;
        var c = input.Conditioning;
        var forward = new SD3TransformerInput(
            x,                                                                                 // (B, C, H, W)
            c.Prompt.EncoderHiddenStates,                                                      // (B, T, D)
            c.Prompt.Pooled,                                                                   // (B, P)
            GuidedVelocity.Timesteps(input.Sigma, x.device),                                   // (B)
            TxtAlignGuidance: TxtAlignGuidance(c.Guidance, x.dtype, x.device),                 // (B)
            TxtAlignVec: c.Prompt.Pooled - c.Negative.Pooled);                                 // (B, P)
        var v = model.call(forward);                                                           // (B, C, H, W)
        var next = FlowMatchEulerDiscreteScheduler.Step(x, v, input.Sigma, input.SigmaNext);   // (B, C, H, W)
        return new SamplerStepResult(next.MoveToOuterDisposeScope(), Enumerable.Repeat(1, c.BatchSize).ToArray());
    }

    /// <summary>
    /// 1000·g as the reference pipeline forms it: g becomes a tensor in the model dtype and is multiplied by 1000
    /// there, so in bfloat16 g = 5 gives 4992 (the spacing is 32 in [4096, 8192)).
    /// </summary>
    public static Tensor TxtAlignGuidance(double[] guidance, ScalarType modelDType, Device device)
    {
        using var scope = NewDisposeScope();
        var g = PerSampleValues.Tensor(guidance, modelDType, device);                    // (B)
        return (g * 1000.0).MoveToOuterDisposeScope();                                         // (B)
    }
}
