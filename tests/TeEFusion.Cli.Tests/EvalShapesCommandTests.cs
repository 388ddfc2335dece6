using System.Text.Json;
using TeEFusion.Cli.Commands;

namespace TeEFusion.Cli.Tests;

/// <summary>`teefusion eval shapes` on the tiny random model (its own teacher, 64×64, two steps, one caption per split).</summary>
[Collection("Sequential")]
public sealed class EvalShapesCommandTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("teefusion-eval-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void It_prints_the_table_writes_the_json_and_updates_the_card()
    {
        var json = Path.Combine(_directory, "out", "shapebench.json");
        var readme = Path.Combine(model.Root, "README.md");
        File.WriteAllText(readme, "# tiny\n");

        var result = Eval("--teacher", model.Root, "--json", json, "--card");

        Assert.Equal(0, result.Exit);
        Assert.Contains("| configuration | split |", result.Output);
        foreach (var label in new[] { "teacher, g = 1 (euler-cfg)", "teacher euler-cfg", "teacher z-sampling", "teacher w2sd", "student" })
        {
            Assert.Contains($"| {label} | seen | 1 |", result.Output);
            Assert.Contains($"| {label} | held-out | 1 |", result.Output);
            Assert.DoesNotContain($"| {label} | wording seen |", result.Output);
        }
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(["no-guidance", "euler-cfg", "z-sampling", "w2sd", "student"],
            document.RootElement.GetProperty("configurations").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(2, document.RootElement.GetProperty("steps").GetInt32());
        var card = File.ReadAllText(readme);
        Assert.StartsWith("# tiny\n\n<!-- shapebench:begin -->\nShapeBench: 64×64, 2 steps, guidance 3,", card);
        Assert.Contains("| student | held-out | 1 |", card);
        Assert.EndsWith("<!-- shapebench:end -->\n", card);
    }

    [Fact]
    public void The_student_alone_needs_no_teacher_folder()
    {
        var result = Eval("--sampler", "student");

        Assert.Equal(0, result.Exit);
        Assert.Contains("| student | seen | 1 |", result.Output);
        Assert.DoesNotContain("teacher euler-cfg", result.Output);
    }

    [Fact]
    public void A_missing_default_teacher_is_an_error_naming_it()
    {
        var result = Eval();

        Assert.Equal(1, result.Exit);
        Assert.Contains($"error: {Path.Combine(model.Root, "teacher")}: teacher folder not found; pass --teacher DIR", result.Error);
        Assert.False(result.HasStackTrace, result.Error);
    }

    [Fact]
    public void A_missing_model_folder_is_an_error_naming_it()
    {
        var missing = Path.Combine(_directory, "no-such-model");

        var result = CliInvocation.Run(EvalCommand.Create(), "shapes", "--model", missing, "--sampler", "student");

        Assert.Equal(1, result.Exit);
        Assert.Contains($"error: {missing}", result.Error);
        Assert.False(result.HasStackTrace, result.Error);
    }

    [Theory]
    [InlineData("--count", "0", "error: --count: PromptsPerSplit must be at least 1, got 0.")]
    [InlineData("--batch", "-1", "error: --batch: BatchSize must be at least 1, got -1.")]
    [InlineData("--steps", "0", "error: --steps: Steps must be at least 1, got 0.")]
    [InlineData("--guidance", "NaN", "error: --guidance: Guidance must be a finite number")]
    public void A_bad_number_is_an_error_naming_the_option(string option, string value, string expected)
    {
        var json = Path.Combine(_directory, "bad.json");

        var result = Eval("--teacher", model.Root, option, value, "--json", json);

        Assert.Equal(2, result.Exit);
        Assert.Contains(expected, result.Error);
        Assert.False(result.HasStackTrace, result.Error);
        Assert.False(File.Exists(json));
    }

    [Fact]
    public void The_wording_and_two_object_splits_run_when_named()
    {
        var result = Eval("--sampler", "student", "--splits", "wording,two-object");

        Assert.Equal(0, result.Exit);
        Assert.Contains("| all correct | wording seen | wording held-out | two-object seen | two-object held-out | passes/image |", result.Output);
        foreach (var split in new[] { "wording seen", "wording held-out", "two-object seen", "two-object held-out" })
            Assert.Contains($"| student | {split} | 1 |", result.Output);
        Assert.DoesNotContain("| student | seen |", result.Output);
    }

    [Fact]
    public void An_unknown_split_is_refused_with_the_known_names()
    {
        var result = Eval("--sampler", "student", "--splits", "canonical,odd");

        Assert.Equal(2, result.Exit);
        Assert.Contains("error: Unknown ShapeBench split 'odd'; expected one of canonical, wording, two-object, all.", result.Error);
        Assert.False(result.HasStackTrace, result.Error);
    }

    [Fact]
    public void An_unknown_sampler_is_refused_with_the_known_names()
    {
        var result = Eval("--sampler", "dpm");

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("'dpm'", result.Error);
        Assert.Contains("no-guidance", result.Error);
        Assert.False(result.HasStackTrace, result.Error);
    }

    private CliInvocation Eval(params string[] extra)
    {
        var options = new Dictionary<string, string>
        {
            ["--model"] = model.Root, ["--splits"] = "canonical", ["--steps"] = "2", ["--guidance"] = "3", ["--count"] = "1", ["--seeds"] = "1", ["--batch"] = "2", ["--warmup"] = "0",
        };
        var flags = new List<string>();
        for (var i = 0; i < extra.Length; i++)
        {
            if (i + 1 < extra.Length && !extra[i + 1].StartsWith("--", StringComparison.Ordinal)) options[extra[i]] = extra[++i];
            else flags.Add(extra[i]);
        }
        string[] args = ["shapes", .. options.SelectMany(o => new[] { o.Key, o.Value }), .. flags];
        return CliInvocation.Run(EvalCommand.Create(), args);
    }
}
