using System.Text.Json;

namespace TeEFusion.Core.Tests.Tokenizers;

/// <summary>Paths and expected rows written by Fixtures/Tokenizers/gen_clip.py and gen_t5.py.</summary>
internal static class TokenizerFixtures
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Tokenizers");

    public sealed record Row(string Prompt, int[] Ids, int TokenCount, bool Truncated);

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IReadOnlyList<Row> Clip(string folder)
    {
        using var stream = File.OpenRead(Path.Combine(Root, "clip", "expected.json"));
        return JsonSerializer.Deserialize<Dictionary<string, Row[]>>(stream, Options)![folder];
    }

    public static (int MaxLength, IReadOnlyList<Row> Rows) T5()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "t5", "expected.json")));
        var rows = document.RootElement.GetProperty("rows").Deserialize<Row[]>(Options)!;
        return (document.RootElement.GetProperty("max_length").GetInt32(), rows);
    }

    /// <summary>A scratch copy of a fixture folder that a test may break.</summary>
    public static string CopyToTemp(string relative)
    {
        var target = Directory.CreateTempSubdirectory("teefusion-tok-").FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(Root, relative)))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return target;
    }
}
