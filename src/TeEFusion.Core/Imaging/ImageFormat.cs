namespace TeEFusion.Core.Imaging;

/// <summary>The file formats an image is written in: OpenAI's <c>output_format</c> values.</summary>
public enum ImageFormat
{
    /// <summary>Lossless; the provenance in text chunks. The default.</summary>
    Png,

    /// <summary>Lossy; the provenance in EXIF and XMP.</summary>
    Jpeg,

    /// <summary>Lossy WebP; the provenance in EXIF and XMP.</summary>
    Webp,
}
