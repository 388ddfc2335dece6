using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>One image ShapeBench generates: a combination of one split, its caption as the prompt, and a noise seed.</summary>
public sealed record ShapeBenchPrompt(ShapeSplit Split, ShapeAttributes Attributes, long Seed)
{
    public string Caption => Attributes.Caption;
}
