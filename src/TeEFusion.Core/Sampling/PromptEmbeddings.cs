using static TorchSharp.torch;

namespace TeEFusion.Core.Sampling;

/// <summary>Encoded prompts for a batch.</summary>
/// <param name="EncoderHiddenStates">Token sequence, (B, T, joint_attention_dim).</param>
/// <param name="Pooled">Pooled embedding, (B, pooled_projection_dim).</param>
public sealed record PromptEmbeddings(Tensor EncoderHiddenStates, Tensor Pooled)
{
    public long BatchSize => Pooled.shape[0];

    /// <summary>The given rows, in order.</summary>
    public PromptEmbeddings Select(Tensor rows) =>
        new(EncoderHiddenStates.index_select(0, rows), Pooled.index_select(0, rows));
}
