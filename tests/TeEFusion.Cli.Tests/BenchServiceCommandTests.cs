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
            "--concurrency", "1,2", "--requests", "3", "--warmup", "1", "--overhead-repeats", "2",
            "--memory-baseline", "2", "--memory-requests", "4", "--memory-concurrency", "2", "--out", json);

        Assert.True(result.Exit == 0, result.Error);
        Assert.True(File.Exists(Path.ChangeExtension(json, ".md")));
        Assert.Contains("| off | 2 |", result.Output);
        var report = ServiceBenchReport.FromJson(File.ReadAllText(json));
        Assert.Equal([(true, 1), (true, 2), (false, 1), (false, 2)], report.Rows.Select(r => (r.Batching, r.Concurrency)));
        foreach (var row in report.Rows)
        {
            Assert.Equal((3, 3, 0), (row.Sent, row.Succeeded, row.Failed));
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
}
