namespace TeEFusion.Tooling.Shapes;

/// <summary>One rendered scene: its attributes and the jitter that places the object inside its cell.</summary>
/// <param name="Attributes">What the caption says.</param>
/// <param name="CenterX">Object centre, pixels from the left.</param>
/// <param name="CenterY">Object centre, pixels from the top.</param>
/// <param name="Radius">Half-extent in pixels.</param>
public sealed record ShapeScene(ShapeAttributes Attributes, double CenterX, double CenterY, double Radius) : IShapeScene
{
    public string Caption => Attributes.Caption;

    public int Background => Attributes.Background;

    public IReadOnlyList<PlacedShape> Shapes => [new PlacedShape(Attributes.Object, Attributes.Shape, CenterX, CenterY, Radius)];

    /// <summary>The scene with its cell's centre and nominal size: no jitter.</summary>
    public static ShapeScene Centered(ShapeAttributes attributes) => new(attributes,
        ShapeGeometry.CellCenter(attributes.Position.Column), ShapeGeometry.CellCenter(attributes.Position.Row),
        ShapeGeometry.Radius(attributes.Size));

    /// <summary>The scene for <paramref name="attributes"/> with jitter drawn from <paramref name="random"/>.</summary>
    public static ShapeScene Jittered(ShapeAttributes attributes, Random random)
    {
        double Uniform(double half) => (random.NextDouble() * 2 - 1) * half;
        var centered = Centered(attributes);
        return centered with
        {
            CenterX = centered.CenterX + Uniform(ShapeGeometry.MaxCenterJitter),
            CenterY = centered.CenterY + Uniform(ShapeGeometry.MaxCenterJitter),
            Radius = centered.Radius * (1 + Uniform(ShapeGeometry.MaxRadiusJitter)),
        };
    }
}
