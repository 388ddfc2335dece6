namespace TeEFusion.Tooling.Shapes;

/// <summary>
/// The scene's pixel geometry: a 64×64 canvas whose 3×3 grid cells have centres at 12, 32 and 52 pixels, objects with
/// a half-extent of 5 (small) or 9 (large) pixels, and the jitter a scene may add without leaving its cell or the canvas.
/// </summary>
public static class ShapeGeometry
{
    public const int ImageSize = 64;
    public const double SmallRadius = 5;
    public const double LargeRadius = 9;

    /// <summary>Largest shift of the object's centre from its cell centre, in pixels, per axis.</summary>
    public const double MaxCenterJitter = 1.5;

    /// <summary>Largest relative change of the half-extent.</summary>
    public const double MaxRadiusJitter = 0.06;

    /// <summary>A square's half side relative to the half-extent, so that squares and circles have similar areas.</summary>
    public const double SquareHalfSide = 0.9;

    /// <summary>The half-extent in pixels for a size class.</summary>
    public static double Radius(ShapeSize size) => size == ShapeSize.Small ? SmallRadius : LargeRadius;

    /// <summary>The pixel coordinate of a grid row's or column's centre.</summary>
    public static double CellCenter(int index) => 12 + 20 * index;

    /// <summary>The grid row or column of a pixel coordinate (cells split the canvas into thirds).</summary>
    public static int CellOf(double coordinate) => Math.Clamp((int)(coordinate * 3 / ImageSize), 0, 2);
}
