namespace TeEFusion.Tooling.Shapes;

/// <summary>
/// What a caption says about a scene: background and object colour (palette indices), shape, grid cell and size.
/// Two scenes with equal attributes differ only in the sub-cell jitter the caption does not mention.
/// </summary>
public sealed record ShapeAttributes(int Background, int Object, ShapeKind Shape, ShapePosition Position, ShapeSize Size)
{
    /// <summary>Every valid combination (background ≠ object): 8 · 7 · 3 · 9 · 2 = 3024.</summary>
    public static IReadOnlyList<ShapeAttributes> All { get; } = Enumerate().ToArray();

    /// <summary>"a small red circle at the top left on a blue background".</summary>
    public string Caption =>
        $"a {Size.ToString().ToLowerInvariant()} {ShapePalette.Colors[Object].Name} {Shape.ToString().ToLowerInvariant()} " +
        $"{Position.Phrase} on a {ShapePalette.Colors[Background].Name} background";

    /// <summary>The attributes that differ from <paramref name="expected"/>, by name (empty when all match).</summary>
    public IReadOnlyList<string> Mismatches(ShapeAttributes expected)
    {
        var wrong = new List<string>();
        if (Background != expected.Background) wrong.Add("background");
        if (Object != expected.Object) wrong.Add("color");
        if (Shape != expected.Shape) wrong.Add("shape");
        if (Position != expected.Position) wrong.Add("position");
        if (Size != expected.Size) wrong.Add("size");
        return wrong;
    }

    private static IEnumerable<ShapeAttributes> Enumerate()
    {
        var colors = ShapePalette.Colors.Count;
        for (var background = 0; background < colors; background++)
        for (var obj = 0; obj < colors; obj++)
        {
            if (obj == background) continue;
            foreach (var shape in Enum.GetValues<ShapeKind>())
            foreach (var position in ShapePosition.All)
            foreach (var size in Enum.GetValues<ShapeSize>())
                yield return new ShapeAttributes(background, obj, shape, position, size);
        }
    }
}
