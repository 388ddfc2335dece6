using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace TeEFusion.Core.Imaging;

/// <summary>
/// Encodes decoder output as PNG with its <see cref="ImageProvenance"/> in text chunks (tEXt, or iTXt for text
/// outside Latin-1). The bytes depend only on pixels and provenance: no time stamp, no physical size, no gamma.
/// </summary>
public static class PngImageWriter
{
    private static readonly PngEncoder Encoder = new()
    {
        ColorType = PngColorType.Rgb,
        BitDepth = PngBitDepth.Bit8,
        CompressionLevel = PngCompressionLevel.DefaultCompression,
        // Text stays uncompressed (never zTXt) so that any tool, or `strings`, shows the prompt.
        TextCompressionThreshold = int.MaxValue,
        ChunkFilter = PngChunkFilter.ExcludePhysicalChunk | PngChunkFilter.ExcludeGammaChunk | PngChunkFilter.ExcludeExifChunk,
    };

    /// <summary>Encodes one image, shape (3, H, W) or (1, 3, H, W), values in [−1, 1].</summary>
    /// <exception cref="ArgumentException">Bad shape, NaN values, or a provenance whose size is not the image's.</exception>
    public static byte[] Encode(Tensor image, ImageProvenance provenance)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.dim() == 4 && image.shape[0] == 1)
        {
            using var single = image[0];
            return Encode(single, provenance);
        }
        return EncodeOne(image, provenance);
    }

    /// <summary>Encodes a batch (B, 3, H, W); <paramref name="provenances"/> holds one entry per image (seeds may differ).</summary>
    public static IReadOnlyList<byte[]> EncodeBatch(Tensor images, IReadOnlyList<ImageProvenance> provenances)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(provenances);
        if (images.dim() != 4)
            throw new ArgumentException($"expected a batch of shape (B, 3, H, W), got ({string.Join(", ", images.shape)}).", nameof(images));
        if (provenances.Count != images.shape[0])
            throw new ArgumentException($"{provenances.Count} provenance records for a batch of {images.shape[0]} images.", nameof(provenances));
        var pngs = new byte[provenances.Count][];
        for (var i = 0; i < pngs.Length; i++)
        {
            using var one = images[i];                                    // (3, H, W)
            pngs[i] = EncodeOne(one, provenances[i]);
        }
        return pngs;
    }

    private static byte[] EncodeOne(Tensor image, ImageProvenance provenance)
    {
        ArgumentNullException.ThrowIfNull(provenance);
        var rgb = DecodedImage.ToRgb24(image);
        int height = (int)image.shape[1], width = (int)image.shape[2];
        if (provenance.Width != width || provenance.Height != height)
            throw new ArgumentException($"provenance says {provenance.Width}x{provenance.Height} but the image is {width}x{height}.", nameof(provenance));

        using var png = Image.LoadPixelData<Rgb24>(rgb, width, height);
        var text = png.Metadata.GetPngMetadata().TextData;
        foreach (var (keyword, value) in provenance.TextChunks())
            text.Add(new PngTextData(keyword, value, languageTag: string.Empty, translatedKeyword: string.Empty));
        using var output = new MemoryStream();
        png.Save(output, Encoder);
        return output.ToArray();
    }
}
