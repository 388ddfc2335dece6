using TeEFusion.Cli.Commands;
using TeEFusion.Tooling.Benchmarks;

namespace TeEFusion.Cli.Tests;

[Collection("Sequential")]
public sealed class BenchServiceCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("teefusion-bench-service-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // A few requests against the real service (child process, loopback) on the tiny preset: the smallest complete run.
    [Fact]
    public void TinyRunHasOneRowPerCellAndOverheadAndMemoryReadings()
    {
        var json = Path.Combine(_directory, "service.json");

        var result = CliInvocation.Run(BenchCommand.Create(), "service", "--preset", "tiny", "--size", "32x32", "--steps", "1",
            "--concurrency", "1,2", "--requests", "3", "--rounds", "2", "--warmup", "1", "--overhead-repeats", "2",
            "--memory-baseline", "2", "--memory-requests", "4", "--memory-concurrency", "2", "--out", json);

        Assert.True(result.Exit == 0, result.Error);
        Assert.True(File.Exists(Path.ChangeExtension(json, ".md")));
        Assert.Contains("| off | 2 |", result.Output);
        var report = ServiceBenchReport.FromJson(File.ReadAllText(json));
        Assert.Equal([(true, 1), (true, 2), (false, 1), (false, 2)], report.Rows.Select(r => (r.Batching, r.Concurrency)));
        foreach (var row in report.Rows)
        {
            // Each cell ran once per round, and its row pools both rounds.
            Assert.Equal((2, 6, 6, 0), (row.Rounds, row.Sent, row.Succeeded, row.Failed));
            Assert.Equal(row.Succeeded / row.Seconds, row.ImagesPerSecond, 9);
            Assert.True(row.P50Ms > 0 && row.P50Ms <= row.P95Ms && row.P95Ms <= row.P99Ms && row.P99Ms <= row.MaxMs, $"{row.P50Ms}/{row.P95Ms}/{row.P99Ms}/{row.MaxMs}");
            // A closed loop of c clients cannot finish faster than its slowest request.
            Assert.True(row.Seconds * 1000 >= row.MaxMs);
        }
        Assert.Equal(["batching on, padding off", "batching off"], report.Overhead.Select(o => o.Service));
        foreach (var overhead in report.Overhead)
        {
            Assert.Equal((2, 2), (overhead.Http.Repeats, overhead.Pipeline.Repeats));
            Assert.True(overhead.Http.MedianMs > 0 && overhead.Pipeline.MedianMs > 0);
            Assert.Equal(overhead.Http.MedianMs / overhead.Pipeline.MedianMs, overhead.Ratio, 9);
            Assert.Equal(overhead.Ratio <= ServiceBench.OverheadTarget, overhead.MeetsTarget);
        }
        var memory = report.Memory;
        Assert.Equal((2, 4, 0), (memory.BaselineRequests, memory.Requests, memory.Failed));
        Assert.True(memory.RssAfterBaselineMib > 100, $"service RSS {memory.RssAfterBaselineMib} MiB");
        Assert.Equal(memory.RssAfterAllMib / memory.RssAfterBaselineMib, memory.Ratio);
        Assert.Equal("cpu", report.Machine.Device);
    }

    // The bundled student and its teacher in one service (its default configuration), a few requests per cell: each model
    // has a row in every cell, and each concurrency has a student ÷ teacher ratio, both at once and alone.
    [Fact]
    public void ModelsRunHasBothModelsInEveryCellAndARatioPerConcurrency()
    {
        var json = Path.Combine(_directory, "service-models.json");

        var result = CliInvocation.Run(BenchCommand.Create(), "service", "models", "--size", "32x32", "--steps", "1",
            "--concurrency", "1,2", "--requests", "2", "--rounds", "1", "--warmup", "1", "--out", json);

        Assert.True(result.Exit == 0, result.Error);
        Assert.True(File.Exists(Path.ChangeExtension(json, ".md")));
        Assert.Contains("| together | 2 | tiny-shapes | student |", result.Output);
        Assert.Contains("| together | 2 | tiny-shapes-teacher | euler-cfg |", result.Output);
        var report = ServiceModelsBenchReport.FromJson(File.ReadAllText(json));
        Assert.Equal(["teefusion_student", "guided_teacher"], new[] { "tiny-shapes", "tiny-shapes-teacher" }.Select(id => report.Served.Single(m => m.Id == id).Kind));
        string[] models = ["tiny-shapes", "tiny-shapes-teacher"];
        Assert.Equal(
            from c in new[] { 1, 2 } from cell in new[] { "together", "alone" } from model in models select (cell, c, model),
            report.Rows.Select(r => (r.Cell, r.Concurrency, r.Model)));
        foreach (var row in report.Rows)
        {
            Assert.Equal((1, 0), (row.Rounds, row.Failed));
            Assert.True(row.Succeeded >= 2, $"{row.Cell}/{row.Concurrency}/{row.Model}: {row.Succeeded} ok");
            Assert.Equal(row.Succeeded / row.Seconds, row.ImagesPerSecond, 9);
            Assert.True(row.P50Ms > 0 && row.P50Ms <= row.P95Ms && row.P95Ms <= row.P99Ms && row.P99Ms <= row.MaxMs, $"{row.P50Ms}/{row.P95Ms}/{row.P99Ms}/{row.MaxMs}");
            // Only requests answered inside the window count, so none took longer than the window.
            Assert.True(row.Seconds * 1000 >= row.MaxMs);
        }
        foreach (var pair in report.Rows.Where(r => r.Cell == "together").GroupBy(r => r.Concurrency))
        {
            // The window closes at the answer that gives the second model its 2nd; the faster may have more by then.
            Assert.Single(pair.Select(r => r.Seconds).Distinct());
            Assert.Equal(2, pair.Min(r => r.Succeeded));
        }
        Assert.Equal(from c in new[] { 1, 2 } from cell in new[] { "together", "alone" } select (cell, c), report.Ratios.Select(r => (r.Cell, r.Concurrency)));
        foreach (var ratio in report.Ratios)
        {
            var rows = report.Rows.Where(r => (r.Cell, r.Concurrency) == (ratio.Cell, ratio.Concurrency)).ToList();
            Assert.Equal(rows[0].P50Ms / rows[1].P50Ms, ratio.P50Ratio);
            Assert.Equal(rows[0].P95Ms / rows[1].P95Ms, ratio.P95Ratio);
            Assert.Equal(ratio.Cell == "together" ? ratio.P50Ratio <= ServiceModelsBench.RatioTarget : null, ratio.MeetsTarget);
            Assert.Contains($"| {ratio.Concurrency} | **", result.Output);
        }
        Assert.True(report.RssAfterWarmupMib > 100, $"service RSS {report.RssAfterWarmupMib} MiB");
        Assert.Equal("cpu", report.Machine.Device);
    }

    [Theory]
    [InlineData("--rounds", "0")]
    [InlineData("--concurrency", "0")]
    [InlineData("--requests", "0")]
    public void ModelsBadOptionIsAnErrorNamingItAndWritesNothing(string option, string value)
    {
        var json = Path.Combine(_directory, "bad.json");

        var result = CliInvocation.Run(BenchCommand.Create(), "service", "models", option, value, "--out", json);

        Assert.Equal(2, result.Exit);
        Assert.Contains(option, result.Error);
        Assert.False(File.Exists(json));
    }
}
