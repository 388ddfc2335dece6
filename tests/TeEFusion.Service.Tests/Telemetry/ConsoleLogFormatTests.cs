using System.Text.Json;
using Microsoft.Extensions.Logging;
using TeEFusion.Service.Telemetry;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Telemetry;

/// <summary>
/// The service's console log as configured by appsettings.json: the simple format prints job and key scopes as
/// "=> JobId=…", and Logging:Console:FormatterName=json turns every entry into one JSON line carrying the scopes as fields.
/// </summary>
public sealed class ConsoleLogFormatTests
{
    [Fact]
    public async Task The_default_console_format_prints_the_job_and_key_of_a_line()
    {
        await using var factory = new ServiceFactory(modelPath: null);
        var log = FormattedLog.OfConsole(factory.Services);

        using (log.BeginKeyScope("0123456789ab"))
        using (log.BeginJobScope("job_1"))
            log.LogInformation("Job {JobId} started", "job_1");

        Assert.Contains("=> KeyId=0123456789ab => JobId=job_1", log.Text);
        Assert.DoesNotContain("Dictionary", log.Text);
    }

    [Fact]
    public async Task One_setting_turns_the_console_log_into_json_lines_with_the_scopes_as_fields()
    {
        await using var factory = new ServiceFactory(modelPath: null, new Dictionary<string, string?> { ["Logging:Console:FormatterName"] = "json" });
        var log = FormattedLog.OfConsole(factory.Services);

        using (log.BeginJobScope("job_1"))
            log.LogInformation("Job {JobId} started", "job_1");
        log.LogWarning("Outside any job");

        var lines = log.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal("Job job_1 started", lines[0].GetProperty("Message").GetString());
        var scope = Assert.Single(lines[0].GetProperty("Scopes").EnumerateArray());
        Assert.Equal("job_1", scope.GetProperty("JobId").GetString());
        Assert.Equal("Warning", lines[1].GetProperty("LogLevel").GetString());
        Assert.Empty(lines[1].GetProperty("Scopes").EnumerateArray());
    }
}
