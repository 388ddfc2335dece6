using TeEFusion.Cli.Commands;
using TeEFusion.Tooling.Benchmarks;

namespace TeEFusion.Cli.Tests;

[Collection("Sequential")]
public sealed class BenchTransformerCommandTests : IDisposable
{
    // A single-value option may appear only once, so bad values replace these rather than follow them.
    private static readonly Dictionary<string, string> Tiny = new()
    {
        ["--layers"] = "1", ["--heads"] = "2", ["--head-dim"] = "8", ["--latent"] = "8", ["--tokens"] = "6",
        ["--joint-attention-dim"] = "32", ["--pooled-dim"] = "16", ["--dtype"] = "float32", ["--batch"] = "1,2",
        ["--warmup"] = "0", ["--repeats"] = "1", ["--reflective-repeats"] = "1",
    };

    private readonly string _directory = Directory.CreateTempSubdirectory("teefusion-bench-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void TinyRunWritesOneRowPerSamplerAndBatchWithReportedPasses()
    {
        var json = Path.Combine(_directory, "tiny.json");

        var (exit, _) = Invoke(Args(json));

        Assert.Equal(0, exit);
        Assert.True(File.Exists(Path.ChangeExtension(json, ".md")));
        var report = TransformerBenchReport.FromJson(File.ReadAllText(json));
        Assert.Equal(8, report.Rows.Count);
        var expectedPasses = new Dictionary<string, int> { ["student-euler"] = 1, ["euler-cfg"] = 2, ["z-sampling-cfg"] = 6, ["w2sd-cfg"] = 6 };
        foreach (var batch in new[] { 1, 2 })
        {
            var rows = report.Rows.Where(r => r.Batch == batch).ToArray();
            Assert.Equal(expectedPasses.Keys, rows.Select(r => r.Sampler));
            var student = rows[0];
            Assert.Null(student.RatioToStudent);
            Assert.Null(student.CpuRatioToStudent);
            foreach (var row in rows)
            {
                Assert.Equal(expectedPasses[row.Sampler], row.PassesPerSample);
                Assert.Equal(row.PassesPerSample * batch, row.PassesPerStep);
                Assert.True(row.MinMs > 0 && row.MinMs <= row.MedianMs && row.MedianMs <= row.MaxMs, $"{row.Sampler}: {row.MinMs}/{row.MedianMs}/{row.MaxMs}");
                Assert.Equal(row.MedianMs / row.PassesPerStep, row.MsPerPass, 9);
                Assert.True(row.MedianCpuMs > 0, $"{row.Sampler}: CPU time {row.MedianCpuMs}");
                Assert.True(row.TensorsPerStep > 0, $"{row.Sampler}: {row.TensorsPerStep} tensors/step");
                // Each call's issuing time lies inside its wall time, so the medians keep that order.
                Assert.InRange(row.HostMsPerStep, double.Epsilon, row.MedianMs);
                if (row == student) continue;
                // Six passes build more than one, whatever the per-pass count is.
                if (row.PassesPerSample == 6) Assert.True(row.TensorsPerStep > 2 * student.TensorsPerStep, $"{row.Sampler}: {row.TensorsPerStep} vs {student.TensorsPerStep}");
                Assert.Equal(row.MedianMs / student.MedianMs, row.RatioToStudent!.Value, 9);
                Assert.Equal(row.MedianCpuMs / student.MedianCpuMs, row.CpuRatioToStudent!.Value, 9);
            }
        }
        Assert.Equal(1, report.Settings.Layers);
        Assert.Equal("cpu", report.Machine.Device);
    }

    [Theory]
    [InlineData("--layers", "0", "--layers")]
    [InlineData("--hidden", "31", "--heads")]
    [InlineData("--latent", "9", "--patch")]
    [InlineData("--dtype", "float8", "float8")]
    [InlineData("--device", "tpu", "tpu")]
    [InlineData("--batch", "1,0", "--batch")]
    public void BadOptionIsRefusedByNameWithoutRunning(string option, string value, string named)
    {
        var json = Path.Combine(_directory, "bad.json");
        var overrides = new Dictionary<string, string> { [option] = value };
        if (option == "--hidden") overrides["--head-dim"] = "";

        var (exit, error) = Invoke(Args(json, overrides));

        Assert.NotEqual(0, exit);
        Assert.Contains(named, error);
        Assert.DoesNotContain("   at ", error);
        Assert.False(File.Exists(json));
    }

    private static string[] Args(string json, Dictionary<string, string>? overrides = null)
    {
        var options = new Dictionary<string, string>(Tiny);
        foreach (var (key, value) in overrides ?? []) options[key] = value;
        options["--out"] = json;
        return ["transformer", .. options.Where(o => o.Value.Length > 0).SelectMany(o => new[] { o.Key, o.Value })];
    }

    private static (int Exit, string Error) Invoke(string[] args)
    {
        var result = CliInvocation.Run(BenchCommand.Create(), args);
        return (result.Exit, result.Error);
    }
}
