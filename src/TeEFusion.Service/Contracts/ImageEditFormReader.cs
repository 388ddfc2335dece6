using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace TeEFusion.Service.Contracts;

/// <summary>
/// Reads a multipart/form-data edit request with <see cref="MultipartReader"/> into memory. ASP.NET's form reader buffers
/// any file above 64 KiB to a temporary file; this reader never touches the disk, and the body's size is capped before
/// (Limits:MaxUploadBodyBytes, RequestBodyLimitMiddleware) and while it is read. Text fields become the generation
/// request by their JSON names, so one contract and one validator serve both endpoints.
/// </summary>
public static class ImageEditFormReader
{
    private const int MaxTextFieldBytes = 256 * 1024;

    // A form's fields are text: numbers and booleans (OpenAI's clients send `stream` as "true" or "false") are read from it.
    private static readonly JsonSerializerOptions FieldJson = new()
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        Converters = { new FormBooleanConverter() },
    };

    /// <summary>The upload, or null with the errors naming each bad field (keyed by form name).</summary>
    /// <exception cref="BadHttpRequestException">The body is not multipart/form-data or is malformed (400), or too large (413).</exception>
    public static async Task<(ImageEditUpload? Upload, Dictionary<string, string[]> Errors)> ReadAsync(HttpRequest request, CancellationToken cancellation)
    {
        try
        {
            return await ReadFormAsync(request, cancellation);
        }
        catch (InvalidDataException malformed)
        {
            throw new BadHttpRequestException($"The multipart/form-data body is malformed: {malformed.Message}", StatusCodes.Status400BadRequest, malformed);
        }
    }

    private static async Task<(ImageEditUpload? Upload, Dictionary<string, string[]> Errors)> ReadFormAsync(HttpRequest request, CancellationToken cancellation)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
            throw new InvalidDataException("An edit is sent as multipart/form-data with a boundary.");
        var reader = new MultipartReader(boundary, request.Body);
        var images = new List<byte[]>();
        byte[]? mask = null;
        var fields = new JsonObject();
        while (await reader.ReadNextSectionAsync(cancellation) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition.Name.Value is not { Length: > 0 } quoted)
                throw new InvalidDataException("Every multipart section needs a Content-Disposition with a name.");
            var name = HeaderUtilities.RemoveQuotes(quoted).Value!;
            if (disposition.IsFileDisposition())
            {
                var bytes = await ReadAllAsync(section.Body, cancellation);
                if (name is "image" or "image[]") images.Add(bytes);
                else if (name == "mask" && mask is null) mask = bytes;
                else errors[name] = [name == "mask" ? "One mask per edit." : $"Unexpected file field '{name}'; the files are 'image' and 'mask'."];
                continue;
            }
            using var text = new StreamReader(section.Body, Encoding.UTF8);
            var value = await text.ReadToEndAsync(cancellation);
            if (Encoding.UTF8.GetByteCount(value) > MaxTextFieldBytes) errors[name] = [$"At most {MaxTextFieldBytes} bytes per field."];
            else if (fields.ContainsKey(name)) errors[name] = ["Given more than once."];
            else fields[name] = value;
        }
        if (images.Count == 0) errors["image"] = ["An image file is required (field 'image')."];
        else if (images.Count > 1) errors["image"] = [$"One image per edit; got {images.Count} files."];

        double? strength = null;
        if (fields.Remove("strength", out var strengthNode))
        {
            if (double.TryParse((string?)strengthNode, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s)) strength = s;
            else errors["strength"] = [$"strength must be a number in (0, 1], got '{(string?)strengthNode}'."];
        }
        ImageGenerationRequest? generation = null;
        try
        {
            generation = fields.Deserialize<ImageGenerationRequest>(FieldJson);
        }
        catch (JsonException ex)
        {
            var field = ex.Path?.TrimStart('$', '.') is { Length: > 0 } path ? path : "body";
            errors[field] = [$"'{field}' has the wrong type: {ex.Message.Split(" Path:")[0]}"];
        }
        if (errors.Count > 0 || generation is null) return (null, errors);
        return (new ImageEditUpload(generation, images[0], mask, strength), errors);
    }

    private static async Task<byte[]> ReadAllAsync(Stream body, CancellationToken cancellation)
    {
        using var memory = new MemoryStream();
        await body.CopyToAsync(memory, cancellation);
        return memory.ToArray();
    }

    // "true" / "false" (any case) from a text field; anything else is the usual wrong-type error naming the field.
    private sealed class FormBooleanConverter : JsonConverter<bool>
    {
        public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            JsonTokenType.String when bool.TryParse(reader.GetString(), out var value) => value,
            _ => throw new JsonException($"expected true or false, got {reader.TokenType}."),
        };

        public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteBooleanValue(value);
    }
}
