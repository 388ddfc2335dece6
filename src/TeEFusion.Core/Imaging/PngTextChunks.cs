using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata;

namespace TeEFusion.Core.Imaging;

/// <summary>The provenance in a PNG: one text chunk per field (tEXt, or iTXt for text outside Latin-1), the parameters JSON last.</summary>
internal static class PngTextChunks
{
    public static void Write(ImageMetadata metadata, ImageProvenance provenance)
    {
        var text = metadata.GetPngMetadata().TextData;
        foreach (var (keyword, value) in provenance.Fields())
            text.Add(new PngTextData(keyword, value, languageTag: string.Empty, translatedKeyword: string.Empty));
    }

    /// <summary>The parameters chunk's JSON, or null when there is none.</summary>
    public static string? Parameters(ImageMetadata metadata) => metadata.GetPngMetadata().TextData
        .Where(t => t.Keyword == ImageProvenance.ParametersKeyword).Select(t => t.Value).FirstOrDefault();
}
