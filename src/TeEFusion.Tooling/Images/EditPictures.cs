using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace TeEFusion.Tooling.Images;

/// <summary>Real PNG inputs for image edits (tests and benchmarks): a seeded random picture and OpenAI-style masks (alpha 0 = repaint).</summary>
public static class EditPictures
{
    /// <summary>A seeded random RGB picture.</summary>
    public static byte[] Picture(int seed = 1, int width = 32, int height = 32)
    {
        var rgb = new byte[width * height * 3];
        new Random(seed).NextBytes(rgb);
        using var image = Image.LoadPixelData<Rgb24>(rgb, width, height);
        return Png(image, PngColorType.Rgb);
    }

    /// <summary>A mask (RGBA) whose pixels with <paramref name="repaint"/>(x, y) are fully transparent, the others opaque.</summary>
    public static byte[] Mask(Func<int, int, bool> repaint, int width = 32, int height = 32)
    {
        using var image = new Image<Rgba32>(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                image[x, y] = new Rgba32(0, 0, 0, repaint(x, y) ? (byte)0 : (byte)255);
        return Png(image, PngColorType.RgbWithAlpha);
    }

    /// <summary>A mask that repaints the right half.</summary>
    public static byte[] RightHalfMask(int width = 32, int height = 32) => Mask((x, _) => x >= width / 2, width, height);

    public static byte[] Png<TPixel>(Image<TPixel> image, PngColorType color) where TPixel : unmanaged, IPixel<TPixel>
    {
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, new PngEncoder { ColorType = color });
        return stream.ToArray();
    }
}
