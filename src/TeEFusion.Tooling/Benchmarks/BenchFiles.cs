using System.Text.Json;
using System.Text.Json.Serialization;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>How every benchmark report is written: snake_case JSON and a markdown page next to it.</summary>
internal static class BenchFiles
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static T Read<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Json) ?? throw new JsonException("The report JSON is null.");

    /// <summary>Writes <paramref name="json"/> to <paramref name="jsonPath"/> and <paramref name="markdown"/> next to it (same name, .md).</summary>
    public static string Save(string jsonPath, string json, string markdown)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(jsonPath));
        if (directory is not null) Directory.CreateDirectory(directory);
        File.WriteAllText(jsonPath, json);
        var markdownPath = Path.ChangeExtension(jsonPath, ".md");
        File.WriteAllText(markdownPath, markdown);
        return markdownPath;
    }
}
