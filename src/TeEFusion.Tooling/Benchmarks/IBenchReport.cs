namespace TeEFusion.Tooling.Benchmarks;

/// <summary>What every benchmark's result can do: render itself as markdown and save as JSON with the markdown beside it.</summary>
public interface IBenchReport
{
    string ToMarkdown();

    /// <summary>Writes the JSON to <paramref name="jsonPath"/> and the markdown next to it; returns the markdown's path.</summary>
    string Save(string jsonPath);
}
