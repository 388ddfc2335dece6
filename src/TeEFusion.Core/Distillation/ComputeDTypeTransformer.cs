using TeEFusion.Core.MMDiT;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TeEFusion.Core.Distillation;

/// <summary>
/// Runs a transformer held in a lower compute dtype (bfloat16) on float32 inputs: the latents and embeddings are cast
/// to the model's dtype on the way in and the velocity back to float32 on the way out, so that the samplers, the
/// teacher trajectories, the targets and the loss stay float32 while the model passes (and their backward) run in
/// bfloat16 — what torch.autocast does around a bf16 module. Timesteps stay float32: the model forms its sinusoid in
/// float32 itself. The model is not owned.
/// </summary>
internal sealed class ComputeDTypeTransformer(SD3Transformer2DModel model, ScalarType dtype)
    : Module<SD3TransformerInput, Tensor>(nameof(ComputeDTypeTransformer))
{
    public override Tensor forward(SD3TransformerInput input)
    {
        using var scope = NewDisposeScope();
        var cast = input with
        {
            HiddenStates = input.HiddenStates.to(dtype),                                       // (B, C, H, W)
            EncoderHiddenStates = input.EncoderHiddenStates.to(dtype),                         // (B, T, D)
            PooledProjections = input.PooledProjections.to(dtype),                             // (B, P)
            TxtAlignGuidance = input.TxtAlignGuidance?.to(dtype),                              // (B)
            TxtAlignVec = input.TxtAlignVec?.to(dtype),                                        // (B, P)
        };
        return model.call(cast).to(ScalarType.Float32).MoveToOuterDisposeScope();             // (B, C, H, W)
    }
}
