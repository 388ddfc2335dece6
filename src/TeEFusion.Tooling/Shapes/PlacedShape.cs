namespace TeEFusion.Tooling.Shapes;

/// <summary>One object as the renderer draws it: colour (palette index), outline, centre and half-extent in pixels.</summary>
public sealed record PlacedShape(int Color, ShapeKind Shape, double CenterX, double CenterY, double Radius);

/// <summary>A renderable scene: a plain background (palette index) and the objects on it.</summary>
public interface IShapeScene
{
    int Background { get; }

    IReadOnlyList<PlacedShape> Shapes { get; }
}
