using TeEFusion.Core.Runtime;
using TeEFusion.Core.Tokenizers;

namespace TeEFusion.Core.Pipelines;

/// <summary>How a pipeline is loaded: device and dtype, text lengths, and how its images are labelled.</summary>
public sealed record PipelineOptions
{
    /// <summary>Device and dtype of the text encoders and the transformer (the VAE upcasts when its config says so).</summary>
    public ComputeOptions Compute { get; init; } = ComputeOptions.Cpu32;

    /// <summary>T5 tokens per prompt (diffusers' max_sequence_length, 256 by default for SD3).</summary>
    public int MaxSequenceLength { get; init; } = T5Tokenizer.DefaultMaxLength;

    /// <summary>Written into each PNG as model_id; null means the folder's name.</summary>
    public string? ModelId { get; init; }

    /// <summary>Written into each PNG as model_version; null means a fingerprint of the folder's config files.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>
    /// Where the tokenizers, text encoders and VAE are shared with other models loaded with the same pool (a student
    /// and its teacher ship the same ones); null loads a copy of each for this pipeline alone.
    /// </summary>
    public SD3ComponentPool? ComponentPool { get; init; }

    /// <summary>How many distinct null/negative prompts keep their embeddings between requests.</summary>
    public int NegativePromptCacheSize { get; init; } = 8;

    /// <exception cref="ArgumentException">A field is out of range; the message names it.</exception>
    public void Validate()
    {
        if (MaxSequenceLength < 1)
            throw new ArgumentException($"MaxSequenceLength must be at least 1, got {MaxSequenceLength}.", nameof(MaxSequenceLength));
        if (NegativePromptCacheSize < 0)
            throw new ArgumentException($"NegativePromptCacheSize must not be negative, got {NegativePromptCacheSize}.", nameof(NegativePromptCacheSize));
        if (ModelId is { Length: 0 }) throw new ArgumentException("ModelId must not be empty; leave it null for the folder's name.", nameof(ModelId));
    }
}
