namespace TeEFusion.Tooling.Shapes;

/// <summary>Where a two-object scene's first object stands relative to its second.</summary>
public enum ShapeRelation
{
    LeftOf,
    RightOf,
    Above,
    Below,
}

/// <summary>The relations' canonical caption words and their geometry.</summary>
public static class ShapeRelations
{
    /// <summary>"left of", "right of", "above", "below".</summary>
    public static string Phrase(ShapeRelation relation) => relation switch
    {
        ShapeRelation.LeftOf => "left of",
        ShapeRelation.RightOf => "right of",
        ShapeRelation.Above => "above",
        ShapeRelation.Below => "below",
        _ => throw new ArgumentOutOfRangeException(nameof(relation), relation, "unknown relation."),
    };

    /// <summary>True for left of / right of: the objects share a row.</summary>
    public static bool IsHorizontal(ShapeRelation relation) => relation is ShapeRelation.LeftOf or ShapeRelation.RightOf;

    /// <summary>
    /// The relation of an object at (x1, y1) to one at (x2, y2), image coordinates (y down): along the axis on which
    /// they are farther apart, so an object a little above its neighbour's row still reads as beside it.
    /// </summary>
    public static ShapeRelation Between(double x1, double y1, double x2, double y2)
    {
        var (dx, dy) = (x2 - x1, y2 - y1);
        if (Math.Abs(dx) >= Math.Abs(dy)) return dx > 0 ? ShapeRelation.LeftOf : ShapeRelation.RightOf;
        return dy > 0 ? ShapeRelation.Above : ShapeRelation.Below;
    }
}
