using System.Text.Json.Serialization;

namespace TeEFusion.Service.Contracts;

/// <summary>OpenAI's image response: when the request was made and one entry per image.</summary>
public sealed record ImageGenerationResponse(
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("data")] IReadOnlyList<GeneratedImageData> Data);

/// <summary>One image: base64 PNG or an absolute URL, as the request's response_format asked.</summary>
public sealed record GeneratedImageData(
    [property: JsonPropertyName("b64_json"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? B64Json,
    [property: JsonPropertyName("url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url,
    [property: JsonPropertyName("revised_prompt"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RevisedPrompt = null);
