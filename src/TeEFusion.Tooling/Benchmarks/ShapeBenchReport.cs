using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>Writes a <see cref="ShapeBenchResult"/> as JSON and as a markdown table, and puts the table into a model card.</summary>
public static class ShapeBenchReport
{
    /// <summary>The line before the bench's section in a model card.</summary>
    public const string BeginMarker = "<!-- shapebench:begin -->";

    /// <summary>The line after it.</summary>
    public const string EndMarker = "<!-- shapebench:end -->";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The result as indented camelCase JSON.</summary>
    public static string ToJson(ShapeBenchResult result) => JsonSerializer.Serialize(result, Json);

    /// <summary>
    /// The settings line, the all-correct rate of each configuration on each split, one detailed row per configuration and
    /// split, the student's standing against the teachers when they ran, and the notes.
    /// </summary>
    public static string ToMarkdown(ShapeBenchResult result)
    {
        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"ShapeBench: {result.ImageSize}×{result.ImageSize}, {result.Steps} steps, guidance {result.Guidance:0.###}, " +
            $"{result.PromptsPerSplit} captions × {result.Seeds} seeds per split, batch {result.BatchSize}, {result.Compute}, {result.Threads} threads."));
        text.AppendLine();
        var splits = result.Configurations.SelectMany(c => c.Splits.Select(s => s.Split)).Distinct().ToArray();
        text.AppendLine("| all correct | " + string.Join(" | ", splits) + " | passes/image |");
        text.AppendLine("|---|" + string.Concat(splits.Select(_ => "--:|")) + "--:|");
        foreach (var configuration in result.Configurations)
        {
            var cells = splits.Select(name => configuration.Splits.FirstOrDefault(s => s.Split == name) is { } s ? Percent(s.AllCorrect) : "–");
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {configuration.Label} | {string.Join(" | ", cells)} | {configuration.Splits[0].PassesPerImage:0.#} |"));
        }
        text.AppendLine();
        text.AppendLine("| configuration | split | images | " + string.Join(" | ", ShapeBenchSplitResult.Attributes) + " | all correct | passes/image | ms/image | denoise ms/image |");
        text.AppendLine("|---|---|--:|" + string.Concat(ShapeBenchSplitResult.Attributes.Select(_ => "--:|")) + "--:|--:|--:|--:|");
        foreach (var configuration in result.Configurations)
        foreach (var split in configuration.Splits)
        {
            var accuracy = ShapeBenchSplitResult.Attributes.Select(a => Percent(split.Accuracy[a]));
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {configuration.Label} | {split.Split} | {split.Images.Count} | {string.Join(" | ", accuracy)} | ") +
                string.Create(CultureInfo.InvariantCulture, $"{Percent(split.AllCorrect)} | {split.PassesPerImage:0.#} | {split.MsPerImage:0.#} | {split.DenoiseMsPerImage:0.#} |"));
        }
        var comparisons = Comparisons(result).ToList();
        if (comparisons.Count > 0)
        {
            text.AppendLine();
            foreach (var line in comparisons) text.AppendLine($"- {line}");
        }
        text.AppendLine();
        foreach (var note in result.Notes) text.AppendLine($"- {note}");
        return text.ToString();
    }

    /// <summary>
    /// <paramref name="card"/> with the text between <see cref="BeginMarker"/> and <see cref="EndMarker"/> replaced by
    /// <paramref name="markdown"/>; the markers and the section are appended when the card has none.
    /// </summary>
    /// <exception cref="FormatException">The card has one marker without the other, or them out of order.</exception>
    public static string ReplaceSection(string card, string markdown)
    {
        var section = $"{BeginMarker}\n{markdown.Trim()}\n{EndMarker}";
        var (begin, end) = (card.IndexOf(BeginMarker, StringComparison.Ordinal), card.IndexOf(EndMarker, StringComparison.Ordinal));
        if (begin < 0 && end < 0) return card.Length == 0 ? section + "\n" : card.TrimEnd() + "\n\n" + section + "\n";
        if (begin < 0 || end < begin)
            throw new FormatException($"The model card has '{EndMarker}' without a '{BeginMarker}' before it; fix the markers by hand.");
        if (end < 0) throw new FormatException($"The model card has '{BeginMarker}' without a '{EndMarker}' after it; fix the markers by hand.");
        return card[..begin] + section + card[(end + EndMarker.Length)..];
    }

    /// <summary>Writes <paramref name="markdown"/> into the card at <paramref name="readmePath"/> (created when absent).</summary>
    /// <exception cref="FormatException">The card's markers are broken (the file is left as it was).</exception>
    public static void UpdateCard(string readmePath, string markdown)
    {
        var card = File.Exists(readmePath) ? File.ReadAllText(readmePath) : "";
        File.WriteAllText(readmePath, ReplaceSection(card, markdown));
    }

    // The issue's targets are stated relative to the teachers, so say where the student stands against each.
    private static IEnumerable<string> Comparisons(ShapeBenchResult result)
    {
        var student = result.Find(ShapeBenchConfiguration.Student);
        if (student is null) yield break;
        foreach (var teacher in new[] { ShapeBenchConfiguration.EulerCfg, ShapeBenchConfiguration.ZSampling, ShapeBenchConfiguration.W2sd }.Select(result.Find))
        {
            if (teacher is null) continue;
            var parts = student.Splits.Select(s =>
            {
                var t = teacher.Splits.Single(x => x.Split == s.Split);
                return string.Create(CultureInfo.InvariantCulture, $"{s.Split}: all correct {(s.AllCorrect - t.AllCorrect) * 100:+0.0;-0.0;0.0} points, wall time {s.MsPerImage / t.MsPerImage:0.00}×, " +
                    $"denoising time {s.DenoiseMsPerImage / t.DenoiseMsPerImage:0.00}×");
            });
            yield return $"student vs {teacher.Label}: {string.Join("; ", parts)}.";
        }
    }

    private static string Percent(double fraction) => string.Create(CultureInfo.InvariantCulture, $"{fraction * 100:0.0}%");
}
