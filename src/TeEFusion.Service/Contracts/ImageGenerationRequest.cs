using System.Text.Json.Serialization;

namespace TeEFusion.Service.Contracts;

/// <summary>
/// The body of POST /v1/images/generations (OpenAI's images API) and of POST /v1/jobs. OpenAI fields keep their
/// names; seed, steps, guidance_scale and negative_prompt are this service's extensions. Unset fields take the
/// served model's defaults.
/// </summary>
public sealed record ImageGenerationRequest
{
    /// <summary>What to draw. Required.</summary>
    /// <example>a lighthouse on a cliff at dawn, oil painting</example>
    [JsonPropertyName("prompt")]
    public string? Prompt { get; init; }

    /// <summary>The served model's id (GET /v1/models lists them); the default model when unset.</summary>
    /// <example>tiny-shapes</example>
    [JsonPropertyName("model")]
    public string? Model { get; init; }

    /// <summary>Images to generate (1 by default); image k uses seed + k.</summary>
    /// <example>1</example>
    [JsonPropertyName("n")]
    public int? N { get; init; }

    /// <summary>"WxH" in pixels, each side a multiple of 16; the model's native size by default.</summary>
    /// <example>512x512</example>
    [JsonPropertyName("size")]
    public string? Size { get; init; }

    /// <summary>"b64_json" (default) or "url" (a link to GET /v1/jobs/{id}/images/{k}).</summary>
    /// <example>b64_json</example>
    [JsonPropertyName("response_format")]
    public string? ResponseFormat { get; init; }

    /// <summary>"png" (the only format served).</summary>
    /// <example>png</example>
    [JsonPropertyName("output_format")]
    public string? OutputFormat { get; init; }

    /// <summary>An end-user id for logs (OpenAI's field).</summary>
    [JsonPropertyName("user")]
    public string? User { get; init; }

    /// <summary>Accepted for OpenAI compatibility and ignored.</summary>
    [JsonPropertyName("quality")]
    public string? Quality { get; init; }

    /// <summary>Accepted for OpenAI compatibility and ignored.</summary>
    [JsonPropertyName("style")]
    public string? Style { get; init; }

    /// <summary>Seed of the first image's noise (non-negative); random when unset.</summary>
    /// <example>42</example>
    [JsonPropertyName("seed")]
    public long? Seed { get; init; }

    /// <summary>Denoising steps.</summary>
    /// <example>8</example>
    [JsonPropertyName("steps")]
    public int? Steps { get; init; }

    /// <summary>
    /// Guidance scale g: fused into a TeEFusion student's conditioning (no second pass), or the CFG scale of a guided
    /// teacher. Unset: the model's default (GET /v1/models lists it).
    /// </summary>
    /// <example>2.0</example>
    [JsonPropertyName("guidance_scale")]
    public double? GuidanceScale { get; init; }

    /// <summary>Takes the null prompt's place: in the student's fused guidance term, in CFG's unconditional branch.</summary>
    [JsonPropertyName("negative_prompt")]
    public string? NegativePrompt { get; init; }

    /// <summary>
    /// student (TeEFusion students), euler-cfg, z-sampling or w2sd (guided teachers); the model's default when unset. A
    /// sampler the model cannot run is a 400 listing those it can.
    /// </summary>
    /// <example>euler-cfg</example>
    [JsonPropertyName("sampler")]
    public string? Sampler { get; init; }

    /// <summary>z-sampling: γ2, the CFG scale of each inversion (0 by default, as the reference).</summary>
    [JsonPropertyName("inversion_guidance")]
    public double? InversionGuidance { get; init; }

    /// <summary>z-sampling: λ, reflect on steps below it (every step but the last by default).</summary>
    [JsonPropertyName("lambda_step")]
    public int? LambdaStep { get; init; }

    /// <summary>z-sampling: zag/zig rounds per reflected step (1 by default).</summary>
    [JsonPropertyName("rounds")]
    public int? Rounds { get; init; }

    /// <summary>w2sd: the strong side's guidance (the request's guidance_scale by default).</summary>
    [JsonPropertyName("strong_guidance")]
    public double? StrongGuidance { get; init; }

    /// <summary>w2sd: the weak side's guidance (1.0 by default, the reference's gap [g, 1]).</summary>
    [JsonPropertyName("weak_guidance")]
    public double? WeakGuidance { get; init; }
}
