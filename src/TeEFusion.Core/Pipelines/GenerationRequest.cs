namespace TeEFusion.Core.Pipelines;

/// <summary>
/// One image to generate. Null fields take the pipeline's defaults (see <see cref="SD3Pipeline.Resolve"/>): the
/// folder's native size, 28 steps, the pipeline's guidance and sampler, and a random seed.
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

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first field that is missing or out of range.
    /// </summary>
    /// <param name="sizeMultiple">Width and height must be multiples of this.</param>
    /// <param name="maxSize">Largest width or height the transformer's position table covers.</param>
    public void Validate(int sizeMultiple, int maxSize)
    {
        if (Prompt is null) throw new ArgumentException("Prompt must not be null.", nameof(Prompt));
        if (NegativePrompt is null) throw new ArgumentException("NegativePrompt must not be null; use \"\" for none.", nameof(NegativePrompt));
        if (Seed is not { } seed || seed < 0) throw new ArgumentException($"Seed must be a non-negative integer, got {Seed}.", nameof(Seed));
        if (Steps is not >= 1) throw new ArgumentException($"Steps must be at least 1, got {Steps}.", nameof(Steps));
        if (Guidance is not { } g || !double.IsFinite(g)) throw new ArgumentException($"Guidance must be a finite number, got {Guidance}.", nameof(Guidance));
        CheckSize(Width, nameof(Width), sizeMultiple, maxSize);
        CheckSize(Height, nameof(Height), sizeMultiple, maxSize);
        if (Sampler is null) throw new ArgumentException("Sampler must be set.", nameof(Sampler));
        if (Sampler.Rounds < 1) throw new ArgumentException($"Sampler.Rounds must be at least 1, got {Sampler.Rounds}.", nameof(Sampler));
        if (Sampler.LambdaStep < 0) throw new ArgumentException($"Sampler.LambdaStep must not be negative, got {Sampler.LambdaStep}.", nameof(Sampler));
        if (!double.IsFinite(Sampler.InversionGuidance))
            throw new ArgumentException($"Sampler.InversionGuidance must be finite, got {Sampler.InversionGuidance}.", nameof(Sampler));
    }

    private static void CheckSize(int? value, string field, int multiple, int max)
    {
        if (value is not { } size || size <= 0 || size % multiple != 0 || size > max)
            throw new ArgumentException(
                $"{field} must be a positive multiple of {multiple} no larger than {max} pixels, got {value?.ToString() ?? "null"}.", field);
    }
}
