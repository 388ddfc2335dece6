using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;

namespace TeEFusion.Core.Imaging;

/// <summary>Each <see cref="ImageFormat"/>'s name in the API, media type, file extensions and ImageSharp format, in one table.</summary>
public static class ImageFormats
{
    private sealed record Row(ImageFormat Format, string Name, string MediaType, string[] Extensions, IImageFormat Sharp);

    private static readonly Row[] Table =
    [
        new(ImageFormat.Png, "png", "image/png", [".png"], PngFormat.Instance),
        new(ImageFormat.Jpeg, "jpeg", "image/jpeg", [".jpg", ".jpeg"], JpegFormat.Instance),
        new(ImageFormat.Webp, "webp", "image/webp", [".webp"], WebpFormat.Instance),
    ];

    /// <summary>The names <see cref="TryParse"/> accepts: png, jpeg, webp.</summary>
    public static IReadOnlyList<string> Names { get; } = Table.Select(r => r.Name).ToArray();

    /// <summary>The API's name: png, jpeg or webp.</summary>
    public static string Name(this ImageFormat format) => Of(format).Name;

    /// <summary>The Content-Type of a file in this format.</summary>
    public static string MediaType(this ImageFormat format) => Of(format).MediaType;

    /// <summary>The usual file extension, with its dot: .png, .jpg or .webp.</summary>
    public static string Extension(this ImageFormat format) => Of(format).Extensions[0];

    /// <summary>Reads an API name (exactly png, jpeg or webp, as OpenAI spells them).</summary>
    public static bool TryParse(string? name, out ImageFormat format)
    {
        var row = Table.FirstOrDefault(r => r.Name == name);
        format = row?.Format ?? default;
        return row is not null;
    }

    /// <summary>The format a file name's extension names (.png, .jpg, .jpeg, .webp, any case), or null for another extension.</summary>
    public static ImageFormat? FromFileName(string path) =>
        Table.FirstOrDefault(r => r.Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase))?.Format;

    /// <summary>The format ImageSharp detected, or null for one this service does not write.</summary>
    public static ImageFormat? FromImageSharp(IImageFormat? detected) => Table.FirstOrDefault(r => r.Sharp == detected)?.Format;

    private static Row Of(ImageFormat format) =>
        Table.FirstOrDefault(r => r.Format == format) ?? throw new ArgumentOutOfRangeException(nameof(format), format, "not an image format.");
}
