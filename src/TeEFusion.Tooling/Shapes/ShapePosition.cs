namespace TeEFusion.Tooling.Shapes;

/// <summary>A cell of the scene's 3×3 grid and the caption phrase that names it.</summary>
public readonly record struct ShapePosition(int Row, int Column)
{
    private static readonly string[,] Phrases =
    {
        { "at the top left", "at the top", "at the top right" },
        { "at the left", "in the center", "at the right" },
        { "at the bottom left", "at the bottom", "at the bottom right" },
    };

    /// <summary>The nine cells, row by row.</summary>
    public static IReadOnlyList<ShapePosition> All { get; } =
        Enumerable.Range(0, 9).Select(i => new ShapePosition(i / 3, i % 3)).ToArray();

    /// <summary>0..8, row by row.</summary>
    public int Index => Row * 3 + Column;

    public string Phrase => Phrases[Row, Column];
}
