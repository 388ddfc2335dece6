using TeEFusion.Core.Runtime;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Runtime;

public class ComputeOptionsTests
{
    [Theory]
    [InlineData("float32", ScalarType.Float32)]
    [InlineData("BF16", ScalarType.BFloat16)]
    [InlineData("fp16", ScalarType.Float16)]
    public void ParsesDTypeNames(string name, ScalarType expected) => Assert.Equal(expected, ComputeOptions.ParseDType(name));

    [Fact]
    public void ParsesCpu() => Assert.Equal(TorchSharp.DeviceType.CPU, ComputeOptions.Parse("cpu", "float32").Device.type);

    [Theory]
    [InlineData("tpu")]
    [InlineData("")]
    public void RejectsUnknownDevice(string name) =>
        Assert.Contains("Unknown device", Assert.Throws<ArgumentException>(() => ComputeOptions.ParseDevice(name)).Message);

    [Fact]
    public void RejectsUnknownDType() =>
        Assert.Contains("float8", Assert.Throws<ArgumentException>(() => ComputeOptions.ParseDType("float8")).Message);

    [Fact]
    public void CudaWithoutDeviceSaysHowToGetOne()
    {
        if (cuda.is_available()) return; // only meaningful on the CPU build
        var error = Assert.Throws<ArgumentException>(() => ComputeOptions.ParseDevice("cuda"));
        Assert.Contains("TorchBackend=cuda", error.Message);
    }
}
