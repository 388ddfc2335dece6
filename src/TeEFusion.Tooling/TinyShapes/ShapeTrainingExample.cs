using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Tooling.TinyShapes;

/// <summary>One training image and the caption it is paired with.</summary>
public sealed record ShapeTrainingExample(IShapeScene Scene, string Caption);
