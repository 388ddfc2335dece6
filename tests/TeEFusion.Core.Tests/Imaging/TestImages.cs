using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TeEFusion.Core.Imaging;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Imaging;

/// <summary>Decoder-shaped test images with known pixels, their provenance, and the pixels of an encoded file.</summary>
internal static class TestImages
{
    public static ImageProvenance Provenance(int width, int height, string prompt = "a small red circle", long seed = 42) =>
        new(prompt, "blurry", seed, 4, 1.5, "teefusion-euler", width, height, "AIDC-AI/TeEFusion", "1.0.0");

    public static (byte[] Pixels, Tensor Image) RandomImage(int seed, int width, int height)
    {
        var planes = new byte[3 * height * width];
        new Random(seed).NextBytes(planes);
        return FromPlanes(planes, width, height);
    }

    /// <summary>A smooth image (a diagonal gradient per channel), which a lossy encoder keeps close to its pixels.</summary>
    public static (byte[] Pixels, Tensor Image) GradientImage(int width, int height)
    {
        var planes = new byte[3 * height * width];
        for (var c = 0; c < 3; c++)
            for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                    planes[(c * height + y) * width + x] = (byte)((x * 255 / width + y * 255 / height + c * 60) / 2 % 256);
        return FromPlanes(planes, width, height);
    }

    // Channel planes (3, H, W) as interleaved RGB and as decoder output x = p / 127.5 - 1, which the diffusers mapping
    // sends back to p.
    public static (byte[] Pixels, Tensor Image) FromPlanes(byte[] planes, int width, int height)
    {
        var chw = tensor(planes, [3, height, width], ScalarType.Byte).to(ScalarType.Float32).div(127.5).sub(1);
        var hwc = new byte[planes.Length];
        for (var c = 0; c < 3; c++)
            for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                    hwc[(y * width + x) * 3 + c] = planes[(c * height + y) * width + x];
        return (hwc, chw);
    }

    public static byte[] DecodePixels(byte[] file, out int width, out int height)
    {
        using var image = Image.Load<Rgb24>(file);
        (width, height) = (image.Width, image.Height);
        var pixels = new byte[width * height * 3];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }
}
