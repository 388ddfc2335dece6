using TeEFusion.Core.Imaging;

namespace TeEFusion.Service.Contracts;

/// <summary>
/// Reads OpenAI's fields about the image files: output_format (png, jpeg or webp), output_compression (0–100, for jpeg and
/// webp only, as OpenAI defines it: PNG is lossless) and background (the served models draw opaque RGB, so auto and
/// opaque are the same and transparent is refused).
/// </summary>
internal static class OutputRequest
{
    /// <summary>The background every image has, as OpenAI's response names it.</summary>
    public const string Opaque = "opaque";

    /// <summary>The output, or null after reporting every bad field through <paramref name="error"/>.</summary>
    public static ImageOutput? Read(ImageGenerationRequest request, Action<string, string> error)
    {
        var valid = true;
        void Refuse(string field, string message)
        {
            error(field, message);
            valid = false;
        }

        var format = ImageFormat.Png;
        if (request.OutputFormat is { } name && !ImageFormats.TryParse(name, out format))
            Refuse("output_format", $"output_format must be one of {string.Join(", ", ImageFormats.Names)}, got '{name}'.");
        if (valid && request.OutputCompression is { } compression && ImageOutput.QualityProblem(format, compression) is { } problem)
            Refuse("output_compression", $"output_compression {problem}");
        switch (request.Background)
        {
            case null or "auto" or Opaque:
                break;
            case "transparent":
                Refuse("background", "background 'transparent' is not supported: the served models draw opaque RGB images. Use 'auto' or 'opaque'.");
                break;
            default:
                Refuse("background", $"background must be 'auto' or 'opaque', got '{request.Background}'.");
                break;
        }
        return valid ? new ImageOutput(format, request.OutputCompression ?? ImageOutput.MaxQuality) : null;
    }
}
