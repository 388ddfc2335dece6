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

    /// <summary>
    /// The file format of every image: "png" (default; provenance in text chunks), "jpeg" or "webp" (provenance in EXIF
    /// UserComment and XMP). GET /v1/jobs/{id}/images/{k} serves each with its Content-Type.
    /// </summary>
    /// <example>png</example>
    [JsonPropertyName("output_format")]
    public string? OutputFormat { get; init; }

    /// <summary>
    /// jpeg and webp only, 0–100 (100 by default, as OpenAI): the encoder's quality, so 100 keeps the most detail and lower
    /// values make smaller files. With png (lossless) it is a 400.
    /// </summary>
    /// <example>85</example>
    [JsonPropertyName("output_compression")]
    public int? OutputCompression { get; init; }

    /// <summary>"auto" (default) or "opaque": the served models draw opaque RGB images, so "transparent" is a 400.</summary>
    /// <example>auto</example>
    [JsonPropertyName("background")]
    public string? Background { get; init; }

    /// <summary>
    /// Used when steps is not given: "low" = half the model's default steps (rounded up), "medium" and "auto" (default) =
    /// the model's default steps, "high" = twice them, each capped at Limits:MaxSteps; dall-e-3's "standard" and "hd" are
    /// medium and high. GET /v1/models lists each model's default steps.
    /// </summary>
    /// <example>auto</example>
    [JsonPropertyName("quality")]
    public string? Quality { get; init; }

    /// <summary>
    /// true answers POST /v1/images/generations as Server-Sent Events, OpenAI's image_generation.partial_image events then
    /// image_generation.completed (n must be 1, as OpenAI requires). POST /v1/jobs refuses it: its stream is GET /v1/jobs/{id}/events.
    /// </summary>
    /// <example>false</example>
    [JsonPropertyName("stream")]
    public bool? Stream { get; init; }

    /// <summary>
    /// 0–3 (0 by default): previews of each image drawn at evenly spaced steps from the predicted clean image, sent as
    /// partial images when streaming and as partial_image events on GET /v1/jobs/{id}/events. A run of N steps draws at
    /// most N − 1.
    /// </summary>
    /// <example>0</example>
    [JsonPropertyName("partial_images")]
    public int? PartialImages { get; init; }

    /// <summary>An end-user id (OpenAI's field): written to the log line of the job's submission, never stored with the job.</summary>
    [JsonPropertyName("user")]
    public string? User { get; init; }

    /// <summary>Accepted for OpenAI compatibility (dall-e-3's style) and ignored.</summary>
    [JsonPropertyName("style")]
    public string? Style { get; init; }

    /// <summary>Seed of the first image's noise (non-negative); random when unset.</summary>
    /// <example>42</example>
    [JsonPropertyName("seed")]
    public long? Seed { get; init; }

    /// <summary>Denoising steps; unset, the model's default scaled by quality.</summary>
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

    /// <summary>An absolute http(s) URL that is POSTed the job's JSON, signed as Standard Webhooks defines (docs/webhooks.md).</summary>
    /// <example>https://hooks.example.com/teefusion</example>
    [JsonPropertyName("webhook")]
    public string? Webhook { get; init; }

    /// <summary>Which of started, progress, succeeded, failed, canceled are delivered; the last three by default.</summary>
    [JsonPropertyName("webhook_events")]
    public IReadOnlyList<string>? WebhookEvents { get; init; }
}
