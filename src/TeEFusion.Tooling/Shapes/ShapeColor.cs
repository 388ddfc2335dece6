namespace TeEFusion.Tooling.Shapes;

/// <summary>A palette colour: its caption word and sRGB value.</summary>
public sealed record ShapeColor(string Name, byte R, byte G, byte B)
{
    /// <summary>Squared Euclidean distance to an RGB value.</summary>
    public double DistanceSquared(double r, double g, double b) => (R - r) * (R - r) + (G - g) * (G - g) + (B - b) * (B - b);
}
