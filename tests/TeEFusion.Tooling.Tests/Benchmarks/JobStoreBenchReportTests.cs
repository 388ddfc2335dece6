using TeEFusion.Tooling.Benchmarks;

namespace TeEFusion.Tooling.Tests.Benchmarks;

public sealed class JobStoreBenchReportTests
{
    [Fact]
    public void The_table_names_the_image_store_and_gives_the_Redis_bytes_per_finished_job_of_the_Redis_rows()
    {
        var report = new JobStoreBenchReport("jobstore", DateTimeOffset.UnixEpoch, 60, new MachineInfo("Linux", "cpu", 2, 2, "cpu", "0.107"),
            new JobStoreBenchSettings { ImageStore = "s3", Concurrency = [1], ServiceDll = "TeEFusion.Service.dll" },
            [
                new JobStoreRow("InProcess", 1, 1, 20, 20, 0, 2, 10, 100, 90, 120, null),
                new JobStoreRow("Redis", 1, 1, 20, 20, 0, 2, 10, 103, 93, 125, null, RedisBytesPerJob: 2712.4),
            ]);

        var markdown = report.ToMarkdown();

        Assert.Contains("images in s3", markdown);
        var rows = markdown.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).ToList();
        Assert.EndsWith("| Redis bytes per finished job |", rows[0]);
        Assert.Equal("| InProcess | 1 | 1 | 20 | 0 | 2.0 | 10.0 | 100.0 | 90.0 | 120.0 |  |", rows[1]);
        Assert.Equal("| Redis | 1 | 1 | 20 | 0 | 2.0 | 10.0 | 103.0 | 93.0 | 125.0 | 2712 |", rows[2]);
        Assert.Equal(2712.4, JobStoreBenchReport.FromJson(report.ToJson()).Rows[1].RedisBytesPerJob);
    }
}
