using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TeEFusion.Core.Imaging;

/// <summary>
/// Everything needed to make an image again, written into every image file as one entry per field and as a single
/// <c>parameters</c> JSON entry: PNG text chunks, or XMP properties (and the JSON in EXIF UserComment) for JPEG and WebP.
/// </summary>
public sealed record ImageProvenance(
    string Prompt,
    string NegativePrompt,
    long Seed,
    int Steps,
    double Guidance,
    string Sampler,
    int Width,
    int Height,
    string ModelId,
    string ModelVersion)
{
    /// <summary>
    /// How a batching server ran the image's steps (e.g. "rows-in-flight" or "padded-4"), since that decides which other
    /// runs give the same bytes; null (and no entry) for an image generated on its own.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Batching { get; init; }

    /// <summary>Keyword of the entry holding <see cref="ToJson"/>.</summary>
    public const string ParametersKeyword = "parameters";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Keep prompts readable in the file: a PNG chunk is UTF-8 iTXt whenever the text is not Latin-1, XMP is UTF-8.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>The <c>parameters</c> JSON: snake_case keys in declaration order, so equal records give equal text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    public static ImageProvenance FromJson(string json) =>
        JsonSerializer.Deserialize<ImageProvenance>(json, JsonOptions)
        ?? throw new JsonException("the parameters entry holds JSON null.");

    /// <summary>
    /// (keyword, text) pairs, one per field plus <see cref="ParametersKeyword"/>, in a fixed order: a PNG's text chunks,
    /// a JPEG's or WebP's XMP properties.
    /// </summary>
    public IReadOnlyList<(string Keyword, string Text)> Fields()
    {
        var invariant = CultureInfo.InvariantCulture;
        return
        [
            ("prompt", Prompt),
            ("negative_prompt", NegativePrompt),
            ("seed", Seed.ToString(invariant)),
            ("steps", Steps.ToString(invariant)),
            ("guidance", Guidance.ToString("R", invariant)),
            ("sampler", Sampler),
            ("width", Width.ToString(invariant)),
            ("height", Height.ToString(invariant)),
            ("model_id", ModelId),
            ("model_version", ModelVersion),
            .. Batching is null ? Array.Empty<(string, string)>() : [("batching", Batching)],
            (ParametersKeyword, ToJson()),
        ];
    }
}
