using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace TeEFusion.Core.Tests.Edits;

/// <summary>Real PNG files for edit tests: a seeded random picture and OpenAI-style masks (alpha 0 = repaint).</summary>
internal static class EditImages
{
    public static byte[] Picture(int seed, int width = 32, int height = 32)
    {
        var random = new Random(seed);
        var rgb = new byte[width * height * 3];
        random.NextBytes(rgb);
        using var image = Image.LoadPixelData<Rgb24>(rgb, width, height);
        return Png(image);
    }

    /// <summary>A mask whose pixels with <paramref name="repaint"/>(x, y) are fully transparent.</summary>
    public static byte[] Mask(Func<int, int, bool> repaint, int width = 32, int height = 32)
    {
        using var image = new Image<Rgba32>(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                image[x, y] = new Rgba32(0, 0, 0, repaint(x, y) ? (byte)0 : (byte)255);
        return Png(image, PngColorType.RgbWithAlpha);
    }

    public static byte[] Png<TPixel>(Image<TPixel> image, PngColorType color = PngColorType.Rgb) where TPixel : unmanaged, IPixel<TPixel>
    {
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, new PngEncoder { ColorType = color });
        return stream.ToArray();
    }
}
