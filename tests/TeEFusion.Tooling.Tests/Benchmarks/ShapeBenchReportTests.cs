using System.Text.Json;
using TeEFusion.Tooling.Benchmarks;
using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Tooling.Tests.Benchmarks;

public sealed class ShapeBenchReportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("teefusion-shapebench-card-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_table_has_a_row_per_configuration_and_split_with_percentages_and_costs()
    {
        var markdown = ShapeBenchReport.ToMarkdown(Result());

        var rows = markdown.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).ToList();
        Assert.Equal("| all correct | seen | held-out | passes/image |", rows[0]);
        Assert.Equal(["| teacher euler-cfg | 75.0% | 75.0% | 56 |", "| student | 50.0% | 50.0% | 28 |"], rows[1..3]);
        Assert.Equal("| configuration | split | images | background | color | shape | position | size | all correct | passes/image | ms/image | denoise ms/image |", rows[3]);
        Assert.Equal(8, rows.Count);
        Assert.Contains("| teacher euler-cfg | seen | 4 | 100.0% | 75.0% | 100.0% | 100.0% | 100.0% | 75.0% | 56 | 200 | 160 |", rows);
        Assert.Contains("| student | held-out | 4 | 100.0% | 100.0% | 50.0% | 100.0% | 100.0% | 50.0% | 28 | 100.5 | 60.5 |", rows);
        Assert.Contains("28 steps, guidance 5", markdown);
        Assert.Contains("- student vs teacher euler-cfg: seen: all correct -25.0 points, wall time 0.50×, denoising time 0.38×; held-out: all correct -25.0 points, wall time 0.50×, denoising time 0.38×.", markdown);
        Assert.Contains("- a note", markdown);
    }

    [Fact]
    public void The_json_holds_settings_scores_and_every_image()
    {
        using var json = JsonDocument.Parse(ShapeBenchReport.ToJson(Result()));

        var root = json.RootElement;
        Assert.Equal(28, root.GetProperty("steps").GetInt32());
        var split = root.GetProperty("configurations")[0].GetProperty("splits")[0];
        Assert.Equal("seen", split.GetProperty("split").GetString());
        Assert.Equal(0.75, split.GetProperty("accuracy").GetProperty("color").GetDouble());
        Assert.Equal(4, split.GetProperty("images").GetArrayLength());
        Assert.Equal("color", split.GetProperty("images")[0].GetProperty("wrong")[0].GetString());
    }

    [Fact]
    public void A_card_without_markers_gets_the_section_appended()
    {
        var card = ShapeBenchReport.ReplaceSection("# tiny-shapes\n\nHow it was made.\n", "| table |");

        Assert.Equal("# tiny-shapes\n\nHow it was made.\n\n<!-- shapebench:begin -->\n| table |\n<!-- shapebench:end -->\n", card);
    }

    [Fact]
    public void A_card_with_markers_has_only_the_section_replaced()
    {
        var card = "# card\n<!-- shapebench:begin -->\nold numbers\n<!-- shapebench:end -->\n\n## After\ntext\n";

        var updated = ShapeBenchReport.ReplaceSection(card, "new numbers\n");

        Assert.Equal("# card\n<!-- shapebench:begin -->\nnew numbers\n<!-- shapebench:end -->\n\n## After\ntext\n", updated);
        Assert.Equal(updated, ShapeBenchReport.ReplaceSection(updated, "new numbers"));
    }

    [Theory]
    [InlineData("<!-- shapebench:begin -->\nno end\n")]
    [InlineData("<!-- shapebench:end -->\nno begin\n")]
    [InlineData("<!-- shapebench:end -->\n<!-- shapebench:begin -->\n")]
    public void Broken_markers_are_an_error_not_a_guess(string card)
    {
        var error = Assert.Throws<FormatException>(() => ShapeBenchReport.ReplaceSection(card, "x"));

        Assert.Contains("shapebench:", error.Message);
    }

    [Fact]
    public void UpdateCard_creates_a_missing_card_and_rewrites_an_existing_one()
    {
        var readme = Path.Combine(_directory, "README.md");

        ShapeBenchReport.UpdateCard(readme, "first");
        File.AppendAllText(readme, "kept\n");
        ShapeBenchReport.UpdateCard(readme, "second");

        Assert.Equal("<!-- shapebench:begin -->\nsecond\n<!-- shapebench:end -->\nkept\n", File.ReadAllText(readme));
    }

    // Four images per split; the teacher reads one colour wrong on seen and held-out, the student two shapes. Every
    // configuration spends 40 ms per image outside denoising.
    private static ShapeBenchResult Result()
    {
        static ShapeBenchSplitResult Split(ShapeBenchSplit split, string wrong, int wrongCount, int passes, double ms)
        {
            var images = Enumerable.Range(0, 4)
                .Select(i => new ShapeBenchImage($"prompt {i}", i, $"detected {i}", i < wrongCount ? [wrong] : []))
                .ToList();
            return ShapeBenchSplitResult.Score(split.Name, images, passes * 4L, ms * 4, (ms - 40) * 4);
        }
        var teacher = new ShapeBenchConfigurationResult("euler-cfg", "teacher euler-cfg", "teacher", "euler-cfg", 5.0,
            [Split(ShapeBenchSplit.Seen, "color", 1, 56, 200), Split(ShapeBenchSplit.HeldOut, "color", 1, 56, 201)]);
        var student = new ShapeBenchConfigurationResult("student", "student", "student", "student", 5.0,
            [Split(ShapeBenchSplit.Seen, "shape", 2, 28, 100), Split(ShapeBenchSplit.HeldOut, "shape", 2, 28, 100.5)]);
        return new ShapeBenchResult("/m", "/m/teacher", 64, 28, 5.0, 2, 2, 8, 1, "cpu/float32", 2, DateTimeOffset.UnixEpoch,
            [teacher, student], ["a note"], []);
    }
}
