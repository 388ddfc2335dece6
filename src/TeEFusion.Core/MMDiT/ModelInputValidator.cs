// Input checks for SD3Transformer2DModel.forward: diffusers fails deep inside a matmul; we fail naming the input.
using static TorchSharp.torch;

namespace TeEFusion.Core.MMDiT;

internal static class ModelInputValidator
{
    public static void Validate(SD3TransformerConfig config, SD3TransformerInput input, int blockCount)
    {
        var latents = input.HiddenStates;
        Require(latents.dim() == 4 && latents.shape[1] == config.InChannels, nameof(input.HiddenStates),
            $"must be (B, {config.InChannels}, H, W)", latents);
        var batch = latents.shape[0];
        Require(input.EncoderHiddenStates.dim() == 3 && input.EncoderHiddenStates.shape[0] == batch
                && input.EncoderHiddenStates.shape[2] == config.JointAttentionDim,
            nameof(input.EncoderHiddenStates), $"must be ({batch}, T, {config.JointAttentionDim})", input.EncoderHiddenStates);
        RequirePooled(nameof(input.PooledProjections), input.PooledProjections, batch, config.PooledProjectionDim);
        RequirePerSample(nameof(input.Timestep), input.Timestep, batch);

        if (config.TxtAlignGuidance)
        {
            if (input.TxtAlignGuidance is null || input.TxtAlignVec is null)
                throw new ArgumentException(
                    "The model was configured with txt_align_guidance (TeEFusion) but TxtAlignGuidance and TxtAlignVec were not both given.");
            RequirePerSample(nameof(input.TxtAlignGuidance), input.TxtAlignGuidance, batch);
            RequirePooled(nameof(input.TxtAlignVec), input.TxtAlignVec, batch, config.PooledProjectionDim);
        }
        else if (input.TxtAlignGuidance is not null || input.TxtAlignVec is not null)
        {
            throw new ArgumentException(
                "TxtAlignGuidance/TxtAlignVec were given but the model's config has txt_align_guidance = false; they would be ignored.");
        }

        if (config.Guidance)
        {
            if (input.Guidance is null)
                throw new ArgumentException("The model was configured with guidance (guidance_in) but no Guidance tensor was given.");
            RequirePerSample(nameof(input.Guidance), input.Guidance, batch);
        }
        else if (input.Guidance is not null)
        {
            throw new ArgumentException("Guidance was given but the model's config has guidance = false; it would be ignored.");
        }

        foreach (var layer in input.SkipLayers ?? new HashSet<int>())
            if (layer < 0 || layer >= blockCount)
                throw new ArgumentException($"SkipLayers holds {layer}; allowed: block indices 0..{blockCount - 1}.");
    }

    private static void RequirePooled(string name, Tensor tensor, long batch, int width) =>
        Require(tensor.dim() == 2 && tensor.shape[0] == batch && tensor.shape[1] == width, name, $"must be ({batch}, {width})", tensor);

    // One value per sample, or a single value shared by the batch (as the reference pipeline passes).
    private static void RequirePerSample(string name, Tensor tensor, long batch) =>
        Require(tensor.dim() == 1 && (tensor.shape[0] == batch || tensor.shape[0] == 1), name, $"must be ({batch}) or (1)", tensor);

    private static void Require(bool ok, string name, string expectation, Tensor tensor)
    {
        if (!ok) throw new ArgumentException($"{name} {expectation}; got [{string.Join(", ", tensor.shape)}].", name);
    }
}
