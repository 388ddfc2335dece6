using static TorchSharp.torch;

namespace TeEFusion.Tooling.Shapes;

/// <summary>
/// Renders scenes as 64×64 sRGB images: a plain background and its objects, each edge anti-aliased by 4×4
/// supersampling (each pixel blends the colours by the fraction of its sub-samples inside each outline).
/// </summary>
public static class ShapeRenderer
{
    private const int Supersampling = 4;

    /// <summary>The scene as interleaved RGB bytes, row by row (64 · 64 · 3).</summary>
    public static byte[] Render(IShapeScene scene)
    {
        const int size = ShapeGeometry.ImageSize;
        var background = ShapePalette.Colors[scene.Background];
        var pixels = new byte[size * size * 3];
        for (var y = 0; y < size; y++)
        for (var x = 0; x < size; x++)
        {
            var (r, g, b) = (background.R, background.G, background.B);
            foreach (var shape in scene.Shapes)
            {
                var coverage = Coverage(shape, x, y);
                if (coverage == 0) continue;
                var color = ShapePalette.Colors[shape.Color];
                (r, g, b) = (Blend(r, color.R, coverage), Blend(g, color.G, coverage), Blend(b, color.B, coverage));
            }
            var at = (y * size + x) * 3;
            (pixels[at], pixels[at + 1], pixels[at + 2]) = (r, g, b);
        }
        return pixels;
    }

    /// <summary>Scenes as a float32 batch (B, 3, 64, 64) in [−1, 1], the VAE's input range.</summary>
    public static Tensor ToTensor<TScene>(IReadOnlyList<TScene> scenes) where TScene : IShapeScene
    {
        const int size = ShapeGeometry.ImageSize;
        var values = new float[scenes.Count * 3 * size * size];
        Parallel.For(0, scenes.Count, b =>
        {
            var pixels = Render(scenes[b]);
            var plane = size * size;
            for (var i = 0; i < plane; i++)
            for (var c = 0; c < 3; c++)
                values[(b * 3 + c) * plane + i] = pixels[i * 3 + c] / 127.5f - 1f;
        });
        return tensor(values, [scenes.Count, 3, size, size]); // (B, 3, 64, 64)
    }

    private static byte Blend(byte background, byte foreground, double coverage) =>
        (byte)Math.Round(background + (foreground - background) * coverage);

    private static double Coverage(PlacedShape shape, int x, int y)
    {
        // Most pixels are far from the object: skip their 16 sub-samples.
        if (Math.Abs(x + 0.5 - shape.CenterX) > shape.Radius + 1 || Math.Abs(y + 0.5 - shape.CenterY) > shape.Radius + 1) return 0;
        var inside = 0;
        for (var sy = 0; sy < Supersampling; sy++)
        for (var sx = 0; sx < Supersampling; sx++)
        {
            if (Contains(shape, x + (sx + 0.5) / Supersampling, y + (sy + 0.5) / Supersampling)) inside++;
        }
        return inside / (double)(Supersampling * Supersampling);
    }

    // The outlines are centred on (CenterX, CenterY) with half-extent Radius: the triangle points up and its bounding
    // box is centred there too, so every shape's box centre is the scene's centre.
    private static bool Contains(PlacedShape shape, double px, double py)
    {
        var (dx, dy, r) = (px - shape.CenterX, py - shape.CenterY, shape.Radius);
        return shape.Shape switch
        {
            ShapeKind.Circle => dx * dx + dy * dy <= r * r,
            ShapeKind.Square => Math.Abs(dx) <= ShapeGeometry.SquareHalfSide * r && Math.Abs(dy) <= ShapeGeometry.SquareHalfSide * r,
            ShapeKind.Triangle => dy >= -r && dy <= r && Math.Abs(dx) <= (dy + r) / 2,
            _ => throw new ArgumentOutOfRangeException(nameof(shape), shape.Shape, "unknown shape."),
        };
    }
}
