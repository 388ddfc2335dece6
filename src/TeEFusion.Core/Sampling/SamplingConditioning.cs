using static TorchSharp.torch;

namespace TeEFusion.Core.Sampling;

/// <summary>What steers a batch: the prompt, the null/negative prompt and a guidance scale per sample.</summary>
/// <param name="Prompt">The prompt's embeddings.</param>
/// <param name="Negative">The null ("") or negative prompt's embeddings; same sequence length as the prompt's.</param>
/// <param name="Guidance">g per sample in diffusers' convention (v = v_u + g·(v_c − v_u)), (B).</param>
public sealed record SamplingConditioning(PromptEmbeddings Prompt, PromptEmbeddings Negative, double[] Guidance)
{
    public int BatchSize => Guidance.Length;

    /// <summary>Throws unless every part holds <paramref name="batch"/> samples with matching shapes.</summary>
    public void EnsureBatch(long batch)
    {
        if (Guidance.Length != batch || Prompt.BatchSize != batch || Negative.BatchSize != batch
            || Prompt.EncoderHiddenStates.shape[0] != batch || Negative.EncoderHiddenStates.shape[0] != batch)
            throw new ArgumentException(
                $"Conditioning does not match the {batch} latents: guidance {Guidance.Length}, prompt {Prompt.BatchSize}, negative {Negative.BatchSize}.");
        if (!Prompt.EncoderHiddenStates.shape.SequenceEqual(Negative.EncoderHiddenStates.shape))
            throw new ArgumentException(
                $"Prompt and negative sequences differ in shape: [{string.Join(", ", Prompt.EncoderHiddenStates.shape)}] vs [{string.Join(", ", Negative.EncoderHiddenStates.shape)}].");
    }

    /// <summary>The given rows, in order.</summary>
    public SamplingConditioning Select(long[] rows)
    {
        using var index = tensor(rows, device: Prompt.Pooled.device);
        return new(Prompt.Select(index), Negative.Select(index), rows.Select(r => Guidance[r]).ToArray());
    }
}
