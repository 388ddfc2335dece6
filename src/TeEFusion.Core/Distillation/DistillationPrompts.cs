using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using static TorchSharp.torch;

namespace TeEFusion.Core.Distillation;

/// <summary>
/// The training data: the prompts' embeddings, encoded once, and the null prompt's (""), whose pooled vector forms
/// TeEFusion's txt_align_vec and whose sequence is the teacher's unconditional branch. Owns its tensors.
/// </summary>
/// <param name="Prompts">One row per prompt, (P, T, D) and (P, pooled).</param>
/// <param name="Null">The null prompt, (1, T, D) and (1, pooled).</param>
public sealed record DistillationPrompts(PromptEmbeddings Prompts, PromptEmbeddings Null) : IDisposable
{
    public int Count => (int)Prompts.BatchSize;

    /// <summary>Encodes <paramref name="prompts"/> and "" with the folder's text encoders.</summary>
    public static DistillationPrompts Encode(SD3Components components, IReadOnlyList<string> prompts)
    {
        if (prompts.Count == 0) throw new ArgumentException("At least one prompt is needed.", nameof(prompts));
        using var conditioner = new PromptConditioner(components, cacheCapacity: 0);
        using var scope = NewDisposeScope();
        var encoded = conditioner.Encode(conditioner.Prepare(prompts, prompts.Select(_ => "").ToList()));
        var nullRow = new PromptEmbeddings(encoded.Negative.EncoderHiddenStates.narrow(0, 0, 1).clone(),
            encoded.Negative.Pooled.narrow(0, 0, 1).clone());
        var result = new DistillationPrompts(
            new PromptEmbeddings(encoded.Prompt.EncoderHiddenStates.MoveToOuterDisposeScope(), encoded.Prompt.Pooled.MoveToOuterDisposeScope()),
            new PromptEmbeddings(nullRow.EncoderHiddenStates.MoveToOuterDisposeScope(), nullRow.Pooled.MoveToOuterDisposeScope()));
        return result;
    }

    /// <summary>Conditioning for the given prompt rows with one guidance scale each; tensors in the caller's scope.</summary>
    public SamplingConditioning Conditioning(IReadOnlyList<int> rows, double[] guidance)
    {
        using var index = tensor(rows.Select(r => (long)r).ToArray(), device: Prompts.Pooled.device);
        using var nullIndex = zeros(rows.Count, dtype: ScalarType.Int64, device: Null.Pooled.device);
        return new SamplingConditioning(Prompts.Select(index), Null.Select(nullIndex), guidance);
    }

    public void Dispose()
    {
        Prompts.EncoderHiddenStates.Dispose();
        Prompts.Pooled.Dispose();
        Null.EncoderHiddenStates.Dispose();
        Null.Pooled.Dispose();
    }
}
