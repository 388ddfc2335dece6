using TeEFusion.Cli.Commands;
using TeEFusion.Tooling.Benchmarks;

namespace TeEFusion.Cli.Tests;

[Collection("Sequential")]
public sealed class BenchDistillLatencyCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("teefusion-bench-distill-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // The real service (child process, loopback) on the tiny preset with a real distillation run: the smallest complete run.
    [Fact]
    public void TinyRunMeasuresBothPhasesAndTheRunThatWasActive()
    {
        var json = Path.Combine(_directory, "distill-latency.json");

        var result = CliInvocation.Run(BenchCommand.Create(), "distill-latency", "--preset", "tiny", "--size", "32x32", "--steps", "1",
            "--requests", "3", "--warmup", "1", "--gap-ms", "20", "--distill-steps", "2", "--bound-ms", "60000", "--out", json);

        Assert.True(result.Exit == 0, result.Error);
        Assert.True(File.Exists(Path.ChangeExtension(json, ".md")));
        Assert.Contains("| distilling | 3 |", result.Output);
        var report = DistillLatencyBenchReport.FromJson(File.ReadAllText(json));
        Assert.Equal(["idle", "distilling"], report.Rows.Select(r => r.Phase));
        foreach (var row in report.Rows)
        {
            Assert.Equal((3, 3, 0), (row.Sent, row.Succeeded, row.Failed));
            Assert.True(row.P50Ms > 0 && row.P50Ms <= row.P95Ms && row.P95Ms <= row.P99Ms && row.P99Ms <= row.MaxMs, $"{row.P50Ms}/{row.P95Ms}/{row.P99Ms}/{row.MaxMs}");
        }
        // The run was really training while the second phase ran (it had done an iteration before it began).
        Assert.Equal("running", report.Training.State);
        Assert.True(report.Training.IterationMs > 0 && report.Training.SlowestIterationMs >= report.Training.IterationMs * 0.99);
        Assert.Equal(60000, report.Settings.BoundMilliseconds);
        Assert.Equal(report.Rows[1].P95Ms - report.Rows[0].P95Ms, report.P95IncreaseMs);
        Assert.Equal(report.P95IncreaseMs <= 60000, report.WithinBound);
        Assert.Contains("the configured bound of 60000 ms", result.Output);
    }
}
