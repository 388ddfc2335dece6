namespace TeEFusion.Tooling.Shapes;

/// <summary>
/// What a two-object caption says: "a small red circle left of a large blue square on a green background". The two
/// objects differ in colour and neither has the background's colour; their cells are not in the caption, only the relation.
/// </summary>
public sealed record ShapePairAttributes(int Background, ShapeObject First, ShapeObject Second, ShapeRelation Relation)
{
    /// <summary>Every valid combination: 8 · 7 · 6 colours · 3² shapes · 2² sizes · 4 relations = 48384, lazily.</summary>
    public static IEnumerable<ShapePairAttributes> All
    {
        get
        {
            var colors = ShapePalette.Colors.Count;
            for (var background = 0; background < colors; background++)
            for (var first = 0; first < colors; first++)
            for (var second = 0; second < colors; second++)
            {
                if (first == background || second == background || first == second) continue;
                foreach (var firstShape in Enum.GetValues<ShapeKind>())
                foreach (var secondShape in Enum.GetValues<ShapeKind>())
                foreach (var firstSize in Enum.GetValues<ShapeSize>())
                foreach (var secondSize in Enum.GetValues<ShapeSize>())
                foreach (var relation in Enum.GetValues<ShapeRelation>())
                    yield return new ShapePairAttributes(background, new(first, firstShape, firstSize), new(second, secondShape, secondSize), relation);
            }
        }
    }

    /// <summary>The canonical caption: "a small red circle left of a large blue square on a green background".</summary>
    public string Caption =>
        $"a {First.Words} {ShapeRelations.Phrase(Relation)} a {Second.Words} on a {ShapePalette.Colors[Background].Name} background";

    /// <summary>
    /// The attributes of <paramref name="expected"/> this reading gets wrong, named as single-object scenes name them
    /// ("position" is the relation). The detector cannot know which object the caption names first, so both ways of
    /// pairing its two objects with the caption's are scored and the better one counts.
    /// </summary>
    public IReadOnlyList<string> Mismatches(ShapePairAttributes expected)
    {
        var swapped = this with { First = Second, Second = First, Relation = Opposite(Relation) };
        var direct = Compare(this, expected);
        var other = Compare(swapped, expected);
        return other.Count < direct.Count ? other : direct;
    }

    private static ShapeRelation Opposite(ShapeRelation relation) => relation switch
    {
        ShapeRelation.LeftOf => ShapeRelation.RightOf,
        ShapeRelation.RightOf => ShapeRelation.LeftOf,
        ShapeRelation.Above => ShapeRelation.Below,
        _ => ShapeRelation.Above,
    };

    private static List<string> Compare(ShapePairAttributes read, ShapePairAttributes expected)
    {
        var wrong = new List<string>();
        if (read.Background != expected.Background) wrong.Add("background");
        if (read.First.Color != expected.First.Color || read.Second.Color != expected.Second.Color) wrong.Add("color");
        if (read.First.Shape != expected.First.Shape || read.Second.Shape != expected.Second.Shape) wrong.Add("shape");
        if (read.Relation != expected.Relation) wrong.Add("position");
        if (read.First.Size != expected.First.Size || read.Second.Size != expected.Second.Size) wrong.Add("size");
        return wrong;
    }
}
