using System.Text.Json.Serialization;

namespace TeEFusion.Service.Contracts;

/// <summary>
/// OpenAI's image response: when the request was made and one entry per image, then (as for OpenAI's GPT image models)
/// the background, file format, size and quality they were made with.
/// </summary>
public sealed record ImageGenerationResponse(
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("data")] IReadOnlyList<GeneratedImageData> Data)
{
    /// <summary>Always "opaque": the served models draw RGB images without alpha.</summary>
    [JsonPropertyName("background"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Background { get; init; }

    /// <summary>png, jpeg or webp.</summary>
    [JsonPropertyName("output_format"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OutputFormat { get; init; }

    /// <summary>"WxH" in pixels.</summary>
    [JsonPropertyName("size"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Size { get; init; }

    /// <summary>The quality level the request named ("auto" when it named none).</summary>
    [JsonPropertyName("quality"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Quality { get; init; }
}

/// <summary>One image: the base64 file (PNG, JPEG or WebP, as output_format asked) or an absolute URL, as response_format asked.</summary>
public sealed record GeneratedImageData(
    [property: JsonPropertyName("b64_json"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? B64Json,
    [property: JsonPropertyName("url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url,
    [property: JsonPropertyName("revised_prompt"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RevisedPrompt = null)
{
    /// <summary>
    /// An extension: when <see cref="Url"/> is a pre-signed URL of the image store (ImageStore:Redirect), the Unix time
    /// (seconds) it stops working, as OpenAI's own image URLs expire; absent for the service's own URLs, which last as
    /// long as the job (Queue:ResultTtlSeconds).
    /// </summary>
    [JsonPropertyName("expires_at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ExpiresAt { get; init; }
}
