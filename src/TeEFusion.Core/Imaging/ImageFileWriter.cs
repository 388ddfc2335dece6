using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace TeEFusion.Core.Imaging;

/// <summary>
/// Encodes decoder output as a PNG, JPEG or WebP file with its <see cref="ImageProvenance"/>: PNG text chunks, or EXIF
/// and XMP for JPEG and WebP (see <see cref="ImageFileReader"/> for reading it back). The bytes depend only on pixels,
/// provenance and <see cref="ImageOutput"/>: no time stamp, and a PNG has no physical size and no gamma.
/// </summary>
public static class ImageFileWriter
{
    private static readonly PngEncoder Png = new()
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
    public static byte[] Encode(Tensor image, ImageProvenance provenance, ImageOutput output)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.dim() == 4 && image.shape[0] == 1)
        {
            using var single = image[0];
            return Encode(single, provenance, output);
        }
        return EncodeOne(image, provenance, output);
    }

    /// <summary>Encodes a batch (B, 3, H, W); <paramref name="provenances"/> holds one entry per image (seeds may differ).</summary>
    public static IReadOnlyList<byte[]> EncodeBatch(Tensor images, IReadOnlyList<ImageProvenance> provenances, ImageOutput output)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(provenances);
        if (images.dim() != 4)
            throw new ArgumentException($"expected a batch of shape (B, 3, H, W), got ({string.Join(", ", images.shape)}).", nameof(images));
        if (provenances.Count != images.shape[0])
            throw new ArgumentException($"{provenances.Count} provenance records for a batch of {images.shape[0]} images.", nameof(provenances));
        var files = new byte[provenances.Count][];
        for (var i = 0; i < files.Length; i++)
        {
            using var one = images[i];                                    // (3, H, W)
            files[i] = EncodeOne(one, provenances[i], output);
        }
        return files;
    }

    /// <summary>
    /// Encodes a preview, shape (1, 3, H, W) or (3, H, W), values in [−1, 1], without provenance: a preview is an
    /// approximation of an image on its way, and no file should claim to be reproducible from its request.
    /// </summary>
    public static byte[] EncodePreview(Tensor image, ImageOutput output)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        using var single = image.dim() == 4 && image.shape[0] == 1 ? image[0] : image.alias(); // (3, H, W)
        return Write(DecodedImage.ToRgb24(single), (int)single.shape[2], (int)single.shape[1], null, output);
    }

    /// <summary>
    /// Re-encodes a PNG this class wrote in <paramref name="output"/>'s format, provenance included. PNG is lossless, so
    /// the result is byte for byte what <see cref="Encode"/> gives for the tensor the PNG was made from.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a PNG, or one without the parameters chunk.</exception>
    public static byte[] FromPng(byte[] png, ImageOutput output)
    {
        ArgumentNullException.ThrowIfNull(png);
        ArgumentNullException.ThrowIfNull(output);
        var (format, provenance) = ImageFileReader.Read(png);
        if (format != ImageFormat.Png) throw new InvalidDataException($"expected a PNG, got a {format.Name()} file.");
        if (output.Format == ImageFormat.Png) return png;
        using var decoded = Image.Load<Rgb24>(png);
        var rgb = new byte[decoded.Width * decoded.Height * 3];
        decoded.CopyPixelDataTo(rgb);
        return Write(rgb, decoded.Width, decoded.Height, provenance, output);
    }

    private static byte[] EncodeOne(Tensor image, ImageProvenance provenance, ImageOutput output)
    {
        ArgumentNullException.ThrowIfNull(provenance);
        ArgumentNullException.ThrowIfNull(output);
        var rgb = DecodedImage.ToRgb24(image);
        return Write(rgb, (int)image.shape[2], (int)image.shape[1], provenance, output);
    }

    // Every file starts from the same fresh pixel buffer, so that a format's bytes depend on nothing else.
    // A null provenance writes none (a preview).
    private static byte[] Write(byte[] rgb, int width, int height, ImageProvenance? provenance, ImageOutput output)
    {
        if (provenance is not null && (provenance.Width != width || provenance.Height != height))
            throw new ArgumentException($"provenance says {provenance.Width}x{provenance.Height} but the image is {width}x{height}.", nameof(provenance));
        using var image = Image.LoadPixelData<Rgb24>(rgb, width, height);
        if (provenance is not null && output.Format == ImageFormat.Png) PngTextChunks.Write(image.Metadata, provenance);
        else if (provenance is not null) ExifXmpProvenance.Write(image.Metadata, provenance);
        using var file = new MemoryStream();
        image.Save(file, Encoder(output));
        return file.ToArray();
    }

    private static IImageEncoder Encoder(ImageOutput output) => output.Format switch
    {
        ImageFormat.Png => Png,
        // JPEG's quality scale is 1–100; OpenAI's output_compression starts at 0.
        ImageFormat.Jpeg => new JpegEncoder { Quality = Math.Max(1, output.Quality) },
        ImageFormat.Webp => new WebpEncoder { FileFormat = WebpFileFormatType.Lossy, Quality = output.Quality },
        _ => throw new ArgumentOutOfRangeException(nameof(output), output.Format, "not an image format."),
    };
}
