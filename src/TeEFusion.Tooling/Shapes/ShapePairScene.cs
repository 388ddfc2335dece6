namespace TeEFusion.Tooling.Shapes;

/// <summary>
/// A rendered two-object scene: the objects sit at the centres of two cells of the 3×3 grid that are in the same row
/// (left of / right of) or column (above / below), nominal size, moved only across the line that joins them, so that
/// two large neighbours keep a clear gap and the detector sees two objects.
/// </summary>
public sealed record ShapePairScene(ShapePairAttributes Attributes, PlacedShape First, PlacedShape Second) : IShapeScene
{
    /// <summary>Largest shift of an object's centre across the line joining the two, in pixels.</summary>
    public const double MaxCrossJitter = 1.5;

    public int Background => Attributes.Background;

    public IReadOnlyList<PlacedShape> Shapes => [First, Second];

    public string Caption => Attributes.Caption;

    /// <summary>A placement of <paramref name="attributes"/> drawn from <paramref name="random"/>: the shared row or column and the two cells.</summary>
    public static ShapePairScene Place(ShapePairAttributes attributes, Random random)
    {
        var line = random.Next(3);
        var (near, far) = random.Next(3) switch { 0 => (0, 1), 1 => (1, 2), _ => (0, 2) };
        // The first object is the one nearer the left (top) edge for left of (above), else the farther.
        var (firstCell, secondCell) = attributes.Relation is ShapeRelation.LeftOf or ShapeRelation.Above ? (near, far) : (far, near);
        var horizontal = ShapeRelations.IsHorizontal(attributes.Relation);
        PlacedShape Place(ShapeObject shape, int cell)
        {
            var across = ShapeGeometry.CellCenter(line) + (random.NextDouble() * 2 - 1) * MaxCrossJitter;
            var along = ShapeGeometry.CellCenter(cell);
            var (x, y) = horizontal ? (along, across) : (across, along);
            return new PlacedShape(shape.Color, shape.Shape, x, y, ShapeGeometry.Radius(shape.Size));
        }
        var first = Place(attributes.First, firstCell);
        return new ShapePairScene(attributes, first, Place(attributes.Second, secondCell));
    }
}
