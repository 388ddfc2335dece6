using SixLabors.ImageSharp;

namespace TeEFusion.Core.Imaging;

/// <summary>Reads back what <see cref="ImageFileWriter"/> wrote: a file's format and its <see cref="ImageProvenance"/>.</summary>
public static class ImageFileReader
{
    /// <summary>The format of <paramref name="file"/> and the provenance in its parameters entry.</summary>
    /// <exception cref="InvalidDataException">Not a PNG, JPEG or WebP, or one without provenance.</exception>
    public static (ImageFormat Format, ImageProvenance Provenance) Read(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        IImageInfo? info;
        SixLabors.ImageSharp.Formats.IImageFormat? detected;
        try
        {
            info = Image.Identify(file, out detected);
        }
        catch (ImageFormatException error)
        {
            throw new InvalidDataException($"not a readable image: {error.Message}", error);
        }
        if (info is null || ImageFormats.FromImageSharp(detected) is not { } format)
            throw new InvalidDataException($"not a PNG, JPEG or WebP file ({detected?.Name ?? "unknown format"}).");
        var json = format == ImageFormat.Png ? PngTextChunks.Parameters(info.Metadata) : ExifXmpProvenance.Parameters(info.Metadata);
        if (json is null) throw new InvalidDataException($"the {format.Name()} file carries no '{ImageProvenance.ParametersKeyword}' entry.");
        return (format, ImageProvenance.FromJson(json));
    }
}
