using TeEFusion.Cli.Commands;
using TeEFusion.Tooling.Benchmarks;

namespace TeEFusion.Cli.Tests;

[Collection("Sequential")]
public sealed class BenchFleetCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("teefusion-bench-fleet-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // One replica on a throwaway redis-server, a few seconds of open-loop load on the simulated device: the smallest complete run.
    [Fact]
    public void OneReplicaRunMeasuresThroughputBatchFillAndRedisCostPerJob()
    {
        var json = Path.Combine(_directory, "fleet.json");
        var store = Path.Combine(_directory, "images");

        var result = CliInvocation.Run(BenchCommand.Create(), "fleet", "--replicas", "1", "--steps", "2", "--step-ms", "5", "--row-ms", "20",
            "--image-bytes", "4000", "--arrival-seconds", "3", "--warmup", "1", "--image-store", $"Path={store}", "--out", json);

        Assert.True(result.Exit == 0, result.Error);
        Assert.True(File.Exists(Path.ChangeExtension(json, ".md")));
        var report = FleetBenchReport.FromJson(File.ReadAllText(json));
        var row = Assert.Single(report.Rows);
        Assert.Equal((1, 0), (row.Replicas, row.Failed));
        Assert.True(row.Succeeded > 5, $"{row.Succeeded} jobs ok");
        Assert.Equal(row.Succeeded / row.Seconds, row.ImagesPerSecond, 9);
        // Two steps of at most 4 rows, each at least 5 + 20·rows ms: no job can finish in less than 50 ms.
        Assert.True(row.P50Ms >= 50 && row.P50Ms <= row.P95Ms, $"{row.P50Ms}/{row.P95Ms}");
        Assert.InRange(row.BatchFill, 0.25, 1.0);
        Assert.Equal(row.MeanBatch / 4, row.BatchFill, 9);
        // Each job costs Redis at least its submit, claim and final write, and carries its image through it.
        Assert.True(row.RedisCommandsPerJob >= 3, $"{row.RedisCommandsPerJob} commands per job");
        Assert.True(row.RedisBytesPerJob >= 4000, $"{row.RedisBytesPerJob} bytes per job");
        Assert.True(row.RedisCpuMsPerJob > 0 && row.ReplicaCpuMsPerJob > 0);
        // The folder exists only once the store helper's ImageStore is merged; its growth is measured either way.
        Assert.NotNull(row.StoreBytesPerJob);
        Assert.Equal(1.0, report.Scaling(row));
        Assert.Contains("| 1 |", result.Output);
    }
}
