namespace TeEFusion.Tooling.Shapes;

/// <summary>
/// Draws scenes from one split, deterministically: the same seed gives the same sequence of scenes (System.Random
/// with an explicit seed is stable across .NET versions and platforms).
/// </summary>
public sealed class ShapeSceneGenerator(long seed, ShapeSplit split = ShapeSplit.Seen)
{
    private readonly Random _random = new(unchecked((int)(seed ^ (seed >> 32))));
    private readonly IReadOnlyList<ShapeAttributes> _combinations = ShapeSplits.Combinations(split);

    /// <summary>The next scene: a uniformly drawn combination of the split with fresh jitter.</summary>
    public ShapeScene Next() => ShapeScene.Jittered(_combinations[_random.Next(_combinations.Count)], _random);

    /// <summary>The next <paramref name="count"/> scenes.</summary>
    public IReadOnlyList<ShapeScene> Take(int count) => Enumerable.Range(0, count).Select(_ => Next()).ToArray();
}
