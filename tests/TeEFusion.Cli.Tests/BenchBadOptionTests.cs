using TeEFusion.Cli.Commands;

namespace TeEFusion.Cli.Tests;

/// <summary>The service benches (fleet included) and the previews bench refuse a bad option before they start anything: exit 2, the option named, no stack trace, no result file.</summary>
[Collection("Sequential")]
public sealed class BenchBadOptionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("teefusion-bench-bad-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("service", "--concurrency", "0", "--concurrency")]
    [InlineData("service", "--preset", "huge", "huge")]
    [InlineData("service", "--memory-requests", "1", "--memory-requests")]
    [InlineData("service", "--service-dll", "no-such.dll", "no-such.dll")]
    [InlineData("distill-latency", "--distill-sampler", "student", "--distill-sampler")]
    [InlineData("distill-latency", "--gap-ms", "-1", "--gap-ms")]
    [InlineData("distill-latency", "--bound-ms", "-5", "--bound-ms")]
    [InlineData("distill-latency", "--preset", "huge", "huge")]
    [InlineData("jobstore", "--concurrency", "0", "--concurrency")]
    [InlineData("jobstore", "--preset", "huge", "huge")]
    [InlineData("jobstore", "--steps", "0", "--steps")]
    [InlineData("jobstore", "--service-dll", "no-such.dll", "no-such.dll")]
    [InlineData("jobstore", "--image-store", "redis", "--image-store")]
    [InlineData("fleet", "--replicas", "0", "--replicas")]
    [InlineData("fleet", "--load", "0", "--load")]
    [InlineData("fleet", "--row-ms", "0", "--row-ms")]
    [InlineData("fleet", "--image-store", "Provider", "--image-store")]
    [InlineData("fleet", "--arrival-seconds", "0", "--arrival-seconds")]
    [InlineData("fleet", "--service-dll", "no-such.dll", "no-such.dll")]
    [InlineData("previews", "--preset", "huge", "huge")]
    [InlineData("previews", "--steps", "0", "--steps")]
    [InlineData("previews", "--vae-size", "100", "--vae-size")]
    [InlineData("webhooks", "--jobs", "0", "--jobs")]
    [InlineData("webhooks", "--pending", "-1", "--pending")]
    [InlineData("webhooks", "--preset", "huge", "huge")]
    [InlineData("webhooks", "--service-dll", "no-such.dll", "no-such.dll")]
    public void BadOptionIsAnErrorNamingItAndWritesNothing(string bench, string option, string value, string named)
    {
        var json = Path.Combine(_directory, "bad.json");

        var result = CliInvocation.Run(BenchCommand.Create(), bench, option, value, "--out", json);

        Assert.Equal(2, result.Exit);
        Assert.Contains(named, result.Error);
        Assert.False(result.HasStackTrace, result.Error);
        Assert.False(File.Exists(json));
    }
}
