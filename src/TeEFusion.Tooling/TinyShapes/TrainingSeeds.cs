namespace TeEFusion.Tooling.TinyShapes;

// Independent seeds per purpose and step, derived from the recipe's seed, so that each draw depends only on where it
// happens (resume-safe) and no two purposes share a stream.
internal static class TrainingSeeds
{
    public const int VaeScenes = 1;
    public const int VaeStream = 2;
    public const int LatentStatistics = 3;
    public const int DatasetScenes = 4;
    public const int TeacherStream = 5;
    public const int Captions = 6;
    public const int VaePairScenes = 7;

    public static long ForStep(long seed, int purpose, int step) =>
        unchecked(seed * 1_000_003 + purpose * 100_000_007L + step) & long.MaxValue;
}
