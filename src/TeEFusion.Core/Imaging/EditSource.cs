// The inputs of diffusers' VaeImageProcessor.preprocess: `image_processor` (image) and `mask_processor` (mask) of
// pipeline_stable_diffusion_3_img2img.py / _inpaint.py, decoded with ImageSharp.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Imaging;

/// <summary>
/// The image an edit starts from, at the output size, and which of its pixels to repaint. The mask follows OpenAI's
/// convention on the way in (a PNG whose fully transparent pixels mark what to repaint) and diffusers' on the way out
/// (1 = repaint).
/// </summary>
public sealed class EditSource
{
    private EditSource(int width, int height, byte[] rgb, bool[]? repaint)
    {
        Width = width;
        Height = height;
        Rgb = rgb;
        Repaint = repaint;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Interleaved RGB, H·W·3 bytes, row-major.</summary>
    public byte[] Rgb { get; }

    /// <summary>Per pixel, row-major: true where the edit repaints; null for image-to-image (no mask).</summary>
    public bool[]? Repaint { get; }

    public bool HasMask => Repaint is not null;

    /// <summary>
    /// Decodes <paramref name="image"/> (PNG, JPEG or WebP) and the optional <paramref name="mask"/> (a PNG with alpha, the
    /// image's size) and resizes both to <paramref name="width"/>×<paramref name="height"/> when that differs (Lanczos3,
    /// as diffusers' default `lanczos` resample; the mask is binarised after resizing, as diffusers does).
    /// </summary>
    /// <exception cref="ArgumentException">An input is unreadable or does not fit; ParamName is "image" or "mask".</exception>
    public static EditSource Read(byte[] image, byte[]? mask, int? width = null, int? height = null)
    {
        using var picture = Decode<Rgb24>(image, "image");
        var (w, h) = (width ?? picture.Width, height ?? picture.Height);
        bool[]? repaint = null;
        if (mask is not null)
        {
            if (!HasAlpha(mask))
                throw new ArgumentException("The mask must be a PNG with an alpha channel (its fully transparent pixels mark what to repaint).", nameof(mask));
            using var alpha = Decode<Rgba32>(mask, "mask");
            if (alpha.Width != picture.Width || alpha.Height != picture.Height)
                throw new ArgumentException(
                    $"The mask is {alpha.Width}x{alpha.Height} but the image is {picture.Width}x{picture.Height}; they must be the same size.", nameof(mask));
            repaint = RepaintOf(alpha, w, h);
        }
        if (picture.Width != w || picture.Height != h) picture.Mutate(x => x.Resize(w, h, KnownResamplers.Lanczos3));
        var rgb = new byte[w * h * 3];
        picture.CopyPixelDataTo(rgb);
        return new EditSource(w, h, rgb, repaint);
    }

    /// <summary>The image as diffusers' preprocess gives it: (1, 3, H, W) float32, x / 255 · 2 − 1.</summary>
    public Tensor Pixels()
    {
        using var scope = NewDisposeScope();
        var bytes = tensor(Rgb, [Height, Width, 3]);                                  // (H, W, 3) uint8
        var unit = bytes.to(ScalarType.Float32).div(255.0f);                          // (H, W, 3) in [0, 1]
        return (unit * 2.0f - 1.0f).permute(2, 0, 1).unsqueeze(0).contiguous().MoveToOuterDisposeScope(); // (1, 3, H, W)
    }

    /// <summary>The binarised mask as diffusers' mask_processor gives it: (1, 1, H, W) float32, 1 = repaint.</summary>
    /// <exception cref="InvalidOperationException">The edit has no mask.</exception>
    public Tensor RepaintPixels()
    {
        var repaint = Repaint ?? throw new InvalidOperationException("This edit has no mask.");
        return tensor(repaint.Select(r => r ? 1.0f : 0.0f).ToArray(), [1, 1, Height, Width]);  // (1, 1, H, W)
    }

    private static Image<TPixel> Decode<TPixel>(byte[] file, string field) where TPixel : unmanaged, IPixel<TPixel>
    {
        try
        {
            return Image.Load<TPixel>(file);
        }
        catch (Exception ex) when (ex is UnknownImageFormatException or ImageFormatException or InvalidImageContentException)
        {
            throw new ArgumentException($"The {field} is not a readable PNG, JPEG or WebP image: {ex.Message}", field, ex);
        }
    }

    private static bool HasAlpha(byte[] mask)
    {
        var info = Image.Identify(mask, out var format);
        if (info is null || format is not PngFormat)
            throw new ArgumentException($"The mask must be a PNG image (got {format?.Name ?? "an unreadable file"}).", nameof(mask));
        var png = info.Metadata.GetPngMetadata();
        return png.ColorType is PngColorType.RgbWithAlpha or PngColorType.GrayscaleWithAlpha || png.HasTransparency;
    }

    // OpenAI: alpha 0 = repaint, so diffusers' mask is 1 there. diffusers resizes the mask image (lanczos) before it
    // binarises it at 0.5; without a resize the mask is already 0/1.
    private static bool[] RepaintOf(Image<Rgba32> alpha, int width, int height)
    {
        using var gray = new Image<L8>(alpha.Width, alpha.Height);
        for (var y = 0; y < alpha.Height; y++)
            for (var x = 0; x < alpha.Width; x++)
                gray[x, y] = new L8(alpha[x, y].A == 0 ? byte.MaxValue : byte.MinValue);
        if (gray.Width != width || gray.Height != height) gray.Mutate(x => x.Resize(width, height, KnownResamplers.Lanczos3));
        var values = new byte[width * height];
        gray.CopyPixelDataTo(values);
        return values.Select(v => v / 255.0f >= 0.5f).ToArray();
    }
}
