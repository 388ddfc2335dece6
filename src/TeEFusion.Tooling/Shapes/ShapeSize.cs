namespace TeEFusion.Tooling.Shapes;

/// <summary>The object's size class: a half-extent of <see cref="ShapeGeometry.SmallRadius"/> or <see cref="ShapeGeometry.LargeRadius"/> pixels.</summary>
public enum ShapeSize
{
    Small,
    Large,
}
