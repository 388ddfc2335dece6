using TeEFusion.Core.Sampling;

namespace TeEFusion.Core.Pipelines;

/// <summary>The encoded prompts and null/negative prompts of a batch; the tensors belong to the caller's dispose scope.</summary>
/// <param name="Prompt">(B, T, joint_attention_dim) and (B, pooled_projection_dim).</param>
/// <param name="Negative">Same shapes as <paramref name="Prompt"/>.</param>
public sealed record EncodedPrompts(PromptEmbeddings Prompt, PromptEmbeddings Negative)
{
    /// <summary>The sampler's conditioning with guidance g per sample.</summary>
    public SamplingConditioning WithGuidance(double[] guidance) => new(Prompt, Negative, guidance);
}
