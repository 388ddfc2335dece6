using TeEFusion.Cli.Commands;
using TeEFusion.Tooling.Benchmarks;

namespace TeEFusion.Cli.Tests;

[Collection("Sequential")]
public sealed class BenchGenerateCommandTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("teefusion-bench-generate-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // 2 steps, not 1: with one step Z-Sampling and W2SD never reflect (the last step is a plain CFG step).
    [Fact]
    public void TinyPresetRunHasOneRowPerSamplerWithPassesPhasesRatiosAndMemory()
    {
        var json = Path.Combine(_directory, "tiny.json");
        const int steps = 2;

        var result = CliInvocation.Run(BenchCommand.Create(), "generate", "--preset", "tiny", "--steps", $"{steps}", "--repeats", "1", "--warmup", "0",
            "--samplers", "student,euler-cfg,z-sampling,w2sd", "--out", json);

        Assert.Equal(0, result.Exit);
        Assert.True(File.Exists(Path.ChangeExtension(json, ".md")));
        Assert.Contains("| z-sampling | teacher |", result.Output);
        var text = File.ReadAllText(json);
        Assert.Contains("\"dtype\": \"float32\"", text);
        Assert.DoesNotContain("d_type", text);
        var report = GenerateBenchReport.FromJson(text);
        Assert.Equal(["student", "euler-cfg", "z-sampling", "w2sd"], report.Rows.Select(r => r.Sampler));
        Assert.Equal(["student", "teacher", "teacher", "teacher"], report.Rows.Select(r => r.Pipeline));
        // Student: 1 pass per step. CFG: 2. Z-Sampling and W2SD: 6 on each reflected (non-final) step, 2 on the last.
        var expectedPasses = new[] { steps * 1, steps * 2, 6 * (steps - 1) + 2, 6 * (steps - 1) + 2 };
        Assert.Equal(expectedPasses, report.Rows.Select(r => r.PassesPerImage));
        var student = report.Rows[0];
        foreach (var row in report.Rows)
        {
            Assert.Equal((steps, 32, 32, 1, 0), (row.Steps, row.Width, row.Height, row.Repeats, row.Warmup));
            Assert.Equal((double)row.PassesPerImage / steps, row.PassesPerStep, 12);
            double[] phases = [row.TokenizeMs, row.EncodeMs, row.DenoiseMs, row.DecodeMs, row.PngMs];
            Assert.All(phases, ms => Assert.True(ms > 0, $"{row.Sampler}: phases {string.Join(", ", phases)}"));
            Assert.True(row.MinMs <= row.MedianMs && row.MedianMs <= row.MaxMs && row.MedianMs >= phases.Max(), $"{row.Sampler}: {row.MinMs}/{row.MedianMs}/{row.MaxMs}");
            Assert.Equal(row.DenoiseMs / row.PassesPerImage, row.MsPerPass, 9);
            Assert.True(row.PeakRssMib > 0);
            if (row == student) continue;
            Assert.Equal(row.MedianMs / student.MedianMs, row.RatioToStudent!.Value, 9);
            Assert.Equal(row.DenoiseMs / student.DenoiseMs, row.DenoiseRatioToStudent!.Value, 9);
        }
        Assert.Null(student.RatioToStudent);
        Assert.Equal(["student", "teacher"], report.Loads.Select(l => l.Pipeline));
        Assert.All(report.Loads, l => Assert.True(l.RssAfterMib > 0 && l.PeakMib >= l.RssAfterMib));
        Assert.Equal(report.Rows.Select(r => r.PeakRssMib!.Value).Concat(report.Loads.Select(l => l.PeakMib!.Value)).Max(), report.PeakRssMib);
        Assert.Equal("tiny", report.Model.Preset);
        Assert.Equal(2, report.Model.Transformer.NumLayers);
        Assert.True(report.Model.Parameters["text_encoder_3"] > 0);
        Assert.Equal("cpu", report.Machine.Device);
    }

    [Fact]
    public void ModelFolderRunUsesTheFolderAndTheGivenSize()
    {
        var json = Path.Combine(_directory, "folder.json");

        var result = CliInvocation.Run(BenchCommand.Create(), "generate", "--model", model.Root, "--size", "48x16", "--steps", "1",
            "--repeats", "2", "--warmup", "0", "--samplers", "euler-cfg", "--out", json);

        Assert.Equal(0, result.Exit);
        var report = GenerateBenchReport.FromJson(File.ReadAllText(json));
        var row = Assert.Single(report.Rows);
        Assert.Equal(("euler-cfg", 48, 16, 2, 2), (row.Sampler, row.Width, row.Height, row.PassesPerImage, row.Repeats));
        Assert.Null(row.RatioToStudent);
        Assert.Null(report.Model.Preset);
        Assert.Equal(Path.GetFullPath(model.Root), report.Model.Source);
        Assert.True(Directory.Exists(model.Root));
    }

    // Each case replaces options of a tiny 1-step run; "" removes one (a single-value option may appear only once).
    [Theory]
    [InlineData(new[] { "--model", "." }, "--model")]
    [InlineData(new[] { "--preset", "huge" }, "huge")]
    [InlineData(new[] { "--samplers", "student,dpm" }, "dpm")]
    [InlineData(new[] { "--samplers", "student,student" }, "twice")]
    [InlineData(new[] { "--steps", "0" }, "--steps")]
    [InlineData(new[] { "--repeats", "0" }, "--repeats")]
    [InlineData(new[] { "--size", "40" }, "--size")]
    [InlineData(new[] { "--size", "40x40" }, "Width")]
    [InlineData(new[] { "--dtype", "float8" }, "float8")]
    [InlineData(new[] { "--preset", "", "--model", "no-such-folder" }, "no-such-folder")]
    public void BadOptionIsAnErrorNamingItAndWritesNothing(string[] overrides, string named)
    {
        var json = Path.Combine(_directory, "bad.json");
        var options = new Dictionary<string, string> { ["--preset"] = "tiny", ["--steps"] = "1", ["--repeats"] = "1", ["--warmup"] = "0", ["--out"] = json };
        for (var i = 0; i < overrides.Length; i += 2) options[overrides[i]] = overrides[i + 1];

        var result = CliInvocation.Run(BenchCommand.Create(), ["generate", .. options.Where(o => o.Value.Length > 0).SelectMany(o => new[] { o.Key, o.Value })]);

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("error: ", result.Error);
        Assert.Contains(named, result.Error);
        Assert.False(result.HasStackTrace, result.Error);
        Assert.False(File.Exists(json));
    }
}
