namespace TeEFusion.Tooling.Shapes;

/// <summary>What a caption says about one object of a two-object scene: its colour (palette index), shape and size.</summary>
public sealed record ShapeObject(int Color, ShapeKind Shape, ShapeSize Size)
{
    /// <summary>"small red circle": the words after the article.</summary>
    public string Words => $"{Size.ToString().ToLowerInvariant()} {ShapePalette.Colors[Color].Name} {Shape.ToString().ToLowerInvariant()}";
}
