using TeEFusion.Core.Tests.MMDiT;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests;

/// <summary>How the reference-fixture tests compare a tensor with a library's: the error relative to max |expected|, logged and bounded.</summary>
internal static class ReferenceAssert
{
    public static void Close(ITestOutputHelper output, Tensor actual, Tensor expected, double tolerance, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        var abs = (actual - expected).abs().max().item<float>();
        var rel = TinyModels.RelativeError(actual, expected);
        output.WriteLine($"{what}: max abs error {abs:E2}, relative to max |expected| {rel:E2}");
        Assert.True(rel <= tolerance, $"{what}: relative error {rel:E2} > {tolerance:E0}");
    }
}
