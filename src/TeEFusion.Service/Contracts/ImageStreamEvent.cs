using System.Text.Json.Serialization;

namespace TeEFusion.Service.Contracts;

/// <summary>
/// The data of one of OpenAI's streamed image events (<c>stream: true</c>): <c>image_generation.partial_image</c> (or
/// <c>image_edit.partial_image</c>) with <see cref="PartialImageIndex"/>, then <c>image_generation.completed</c> with the final image.
/// </summary>
/// <param name="Type">The event's name, repeated as OpenAI does.</param>
/// <param name="B64Json">The image file, base64, in <paramref name="OutputFormat"/>.</param>
/// <param name="CreatedAt">Unix seconds when the event was written.</param>
/// <param name="Size">"WxH" in pixels.</param>
/// <param name="Quality">The quality level the request named ("auto" when it named none).</param>
/// <param name="Background">Always "opaque": the served models draw RGB images without alpha.</param>
/// <param name="OutputFormat">png, jpeg or webp.</param>
public sealed record ImageStreamEvent(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("b64_json")] string B64Json,
    [property: JsonPropertyName("created_at")] long CreatedAt,
    [property: JsonPropertyName("size")] string Size,
    [property: JsonPropertyName("quality")] string Quality,
    [property: JsonPropertyName("background")] string Background,
    [property: JsonPropertyName("output_format")] string OutputFormat)
{
    /// <summary>On partial_image events: the preview's index, 0 first; absent on completed.</summary>
    [JsonPropertyName("partial_image_index"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? PartialImageIndex { get; init; }
}

/// <summary>
/// The data of the <c>error</c> event that ends a stream whose job failed or was canceled after the answer began:
/// {"type": "error", "error": {...}}, the shape OpenAI's SDKs raise from.
/// </summary>
public sealed record ImageStreamError(
    [property: JsonPropertyName("error")] ImageStreamErrorDetail Error)
{
    [JsonPropertyName("type"), JsonPropertyOrder(-1)]
    public string Type => "error";
}

/// <summary>OpenAI's error object: what went wrong, and the job's error code.</summary>
/// <param name="Type">"server_error" for a failed job, "canceled" for a canceled one.</param>
/// <param name="Code">The job's error code (e.g. timeout, canceled, device_error).</param>
/// <param name="Message">What happened, as GET /v1/jobs/{id} says it.</param>
/// <param name="JobId">The job behind the stream.</param>
public sealed record ImageStreamErrorDetail(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("job_id")] string JobId)
{
    /// <summary>Always null: no single request field caused it.</summary>
    [JsonPropertyName("param")]
    public string? Param => null;
}
