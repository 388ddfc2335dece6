using TeEFusion.Service.Telemetry;

namespace TeEFusion.Service.Tests.Telemetry;

public sealed class LogScopeTests
{
    [Fact]
    public void A_scope_reads_as_name_value_pairs_and_enumerates_them_as_fields()
    {
        var scope = new LogScope(new("JobId", "job_1"), new("Attempt", 2.5));

        Assert.Equal("JobId=job_1, Attempt=2.5", scope.ToString());
        Assert.Equal([new("JobId", "job_1"), new("Attempt", 2.5)], scope.ToList());
    }
}
