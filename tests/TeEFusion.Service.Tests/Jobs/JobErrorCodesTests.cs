using TeEFusion.Service.Jobs;

namespace TeEFusion.Service.Tests.Jobs;

public sealed class JobErrorCodesTests
{
    [Theory]
    [InlineData(JobErrorCode.Timeout, "timeout", 504)]
    [InlineData(JobErrorCode.CircuitOpen, "circuit_open", 503)]
    [InlineData(JobErrorCode.OutOfMemory, "out_of_memory", 500)]
    [InlineData(JobErrorCode.EncodeError, "encode_error", 500)]
    [InlineData(JobErrorCode.DeviceError, "device_error", 500)]
    [InlineData(JobErrorCode.Canceled, "canceled", 409)]
    [InlineData(JobErrorCode.Shutdown, "shutdown", 503)]
    [InlineData(JobErrorCode.ImageStoreUnavailable, "image_store_unavailable", 503)]
    public void Each_code_has_its_name_and_its_status(JobErrorCode code, string name, int status)
    {
        Assert.Equal(name, code.Name());
        Assert.Equal(code, JobErrorCodes.Parse(name));
        Assert.Equal(status, code.HttpProblem().Status);
    }

    [Fact]
    public void Every_code_is_in_the_table() =>
        Assert.All(Enum.GetValues<JobErrorCode>(), code => Assert.False(string.IsNullOrEmpty(code.HttpProblem().Title)));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("from_a_newer_version")]
    public void An_unknown_stored_name_reads_as_no_code(string? name) => Assert.Null(JobErrorCodes.Parse(name));
}
