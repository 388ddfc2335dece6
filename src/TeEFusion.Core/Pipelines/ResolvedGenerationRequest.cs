namespace TeEFusion.Core.Pipelines;

/// <summary>
/// A <see cref="GenerationRequest"/> with every default filled in and every field checked: what the encode, sample and
/// decode phases take. Only <see cref="SD3Pipeline.Resolve"/> makes one from a request, so a value of this type has been
/// validated against the pipeline that resolved it (its size multiple and largest size).
/// </summary>
/// <param name="Prompt">The text to draw.</param>
/// <param name="NegativePrompt">Replaces the null prompt "" in TeEFusion's fused term and in CFG's unconditional branch.</param>
/// <param name="Seed">Seed of the initial noise (non-negative).</param>
/// <param name="Steps">Denoising steps, at least 1.</param>
/// <param name="Guidance">Guidance scale g in diffusers' convention.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Sampler">The sampler and its parameters.</param>
public sealed record ResolvedGenerationRequest(
    string Prompt,
    string NegativePrompt,
    long Seed,
    int Steps,
    double Guidance,
    int Width,
    int Height,
    SamplerSettings Sampler)
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first field that is out of range.
    /// </summary>
    /// <param name="sizeMultiple">Width and height must be multiples of this.</param>
    /// <param name="maxSize">Largest width or height the transformer's position table covers.</param>
    internal void Validate(int sizeMultiple, int maxSize)
    {
        if (Prompt is null) throw new ArgumentException("Prompt must not be null.", nameof(Prompt));
        if (NegativePrompt is null) throw new ArgumentException("NegativePrompt must not be null; use \"\" for none.", nameof(NegativePrompt));
        if (Seed < 0) throw new ArgumentException($"Seed must be a non-negative integer, got {Seed}.", nameof(Seed));
        if (Steps < 1) throw new ArgumentException($"Steps must be at least 1, got {Steps}.", nameof(Steps));
        if (!double.IsFinite(Guidance)) throw new ArgumentException($"Guidance must be a finite number, got {Guidance}.", nameof(Guidance));
        CheckSize(Width, nameof(Width), sizeMultiple, maxSize);
        CheckSize(Height, nameof(Height), sizeMultiple, maxSize);
        if (Sampler is null) throw new ArgumentException("Sampler must be set.", nameof(Sampler));
        if (Sampler.Rounds < 1) throw new ArgumentException($"Sampler.Rounds must be at least 1, got {Sampler.Rounds}.", nameof(Sampler));
        if (Sampler.LambdaStep < 0) throw new ArgumentException($"Sampler.LambdaStep must not be negative, got {Sampler.LambdaStep}.", nameof(Sampler));
        if (!double.IsFinite(Sampler.InversionGuidance))
            throw new ArgumentException($"Sampler.InversionGuidance must be finite, got {Sampler.InversionGuidance}.", nameof(Sampler));
    }

    private static void CheckSize(int size, string field, int multiple, int max)
    {
        if (size <= 0 || size % multiple != 0 || size > max)
            throw new ArgumentException($"{field} must be a positive multiple of {multiple} no larger than {max} pixels, got {size}.", field);
    }
}
