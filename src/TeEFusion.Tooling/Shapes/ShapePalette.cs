namespace TeEFusion.Tooling.Shapes;

/// <summary>
/// The eight colours a scene uses for its background and its object. They are far apart in RGB (the closest
/// pair, red and orange, differ by about 100) so that a detector can name them on a decoded image.
/// </summary>
public static class ShapePalette
{
    public static IReadOnlyList<ShapeColor> Colors { get; } =
    [
        new("red", 220, 40, 40),
        new("orange", 245, 145, 25),
        new("yellow", 240, 225, 50),
        new("green", 50, 170, 70),
        new("blue", 40, 80, 220),
        new("purple", 145, 60, 190),
        new("white", 240, 240, 240),
        new("black", 20, 20, 20),
    ];

    /// <summary>The index of the palette colour nearest to an RGB value.</summary>
    public static int Nearest(double r, double g, double b)
    {
        var best = 0;
        for (var i = 1; i < Colors.Count; i++)
        {
            if (Colors[i].DistanceSquared(r, g, b) < Colors[best].DistanceSquared(r, g, b)) best = i;
        }
        return best;
    }
}
