namespace TeEFusion.Core.Pipelines;

/// <summary>
/// One image to generate, as a caller asks for it. Null fields take the pipeline's defaults when
/// <see cref="SD3Pipeline.Resolve"/> turns it into a <see cref="ResolvedGenerationRequest"/>: the folder's native size,
/// 28 steps, the pipeline's guidance and sampler, and a random seed.
/// </summary>
/// <param name="Prompt">The text to draw.</param>
public sealed record GenerationRequest(string Prompt)
{
    /// <summary>Replaces the null prompt "" both in TeEFusion's fused term and in CFG's unconditional branch.</summary>
    public string NegativePrompt { get; init; } = "";

    /// <summary>Seed of the initial noise (non-negative); equal seeds give equal images.</summary>
    public long? Seed { get; init; }

    /// <summary>Denoising steps, at least 1.</summary>
    public int? Steps { get; init; }

    /// <summary>Guidance scale g in diffusers' convention (v = v_u + g·(v_c − v_u)); the student fuses the same g.</summary>
    public double? Guidance { get; init; }

    /// <summary>Image width in pixels: a positive multiple of 16 (of patch size × VAE factor) up to the model's limit.</summary>
    public int? Width { get; init; }

    /// <summary>Image height in pixels, as <see cref="Width"/>.</summary>
    public int? Height { get; init; }

    public SamplerSettings? Sampler { get; init; }
}
