namespace TeEFusion.Tooling.Shapes;

/// <summary>The object's outline in a procedural scene.</summary>
public enum ShapeKind
{
    Circle,
    Square,
    Triangle,
}
