namespace TeEFusion.Service.Contracts;

/// <summary>
/// OpenAI's quality levels as denoising steps, for a request that gives none: low is half the model's default steps
/// (rounded up), medium and auto are the default, high is twice it. dall-e-3's standard and hd are medium and high.
/// The caller caps the result at Limits:MaxSteps.
/// </summary>
internal static class QualitySteps
{
    /// <summary>The level a request that names none gets.</summary>
    public const string Auto = "auto";

    private static readonly (string Name, double Factor)[] Levels =
    [
        (Auto, 1.0), ("low", 0.5), ("medium", 1.0), ("high", 2.0), ("standard", 1.0), ("hd", 2.0),
    ];

    /// <summary>The levels a request may name.</summary>
    public static IReadOnlyList<string> Names { get; } = Levels.Select(l => l.Name).ToArray();

    /// <summary>
    /// The steps <paramref name="quality"/> (null for auto) asks of a model whose default is <paramref name="modelSteps"/>;
    /// false, with the default, for a name that is not a level.
    /// </summary>
    public static bool TryScale(string? quality, int modelSteps, out int steps)
    {
        var level = Levels.FirstOrDefault(l => l.Name == (quality ?? Auto));
        steps = level.Name is null ? modelSteps : (int)Math.Ceiling(modelSteps * level.Factor);
        return level.Name is not null;
    }
}
