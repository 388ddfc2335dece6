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

    /// <summary>Accepted for OpenAI compatibility; the service serves one model whatever is named here.</summary>
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
    /// Guidance scale g, fused into the student's conditioning (no second pass). Unset: the model folder's
    /// `_default_guidance_scale` (2 for the bundled model), else 5.
    /// </summary>
    /// <example>2.0</example>
    [JsonPropertyName("guidance_scale")]
    public double? GuidanceScale { get; init; }

    /// <summary>Takes the null prompt's place in the fused guidance term.</summary>
    [JsonPropertyName("negative_prompt")]
    public string? NegativePrompt { get; init; }
}
