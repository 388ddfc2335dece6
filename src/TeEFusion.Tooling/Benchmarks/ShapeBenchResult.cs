namespace TeEFusion.Tooling.Benchmarks;

/// <summary>A whole ShapeBench run: its settings, each configuration's results, and what a reader should know.</summary>
/// <param name="StudentFolder">The student model folder (full path).</param>
/// <param name="TeacherFolder">The teacher model folder (full path).</param>
/// <param name="Compute">Device and dtype, e.g. cpu/float32.</param>
/// <param name="Threads">Torch intra-op threads: wall times only compare between runs with the same.</param>
/// <param name="Configurations">In the order they ran.</param>
/// <param name="Notes">How to read the numbers (e.g. what "no guidance" costs).</param>
/// <param name="Warnings">The pipelines' warnings, once each.</param>
public sealed record ShapeBenchResult(string StudentFolder, string TeacherFolder, int ImageSize, int Steps, double Guidance,
    int PromptsPerSplit, int Seeds, int BatchSize, int WarmupBatches, string Compute, int Threads, DateTimeOffset RanAt,
    IReadOnlyList<ShapeBenchConfigurationResult> Configurations, IReadOnlyList<string> Notes, IReadOnlyList<string> Warnings)
{
    /// <summary>A configuration's results by name; null when it did not run.</summary>
    public ShapeBenchConfigurationResult? Find(ShapeBenchConfiguration configuration) =>
        Configurations.FirstOrDefault(c => c.Name == configuration.Name);
}
