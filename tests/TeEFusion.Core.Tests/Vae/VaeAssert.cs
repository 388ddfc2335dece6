using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Vae;

internal static class VaeAssert
{
    /// <summary>
    /// Asserts max|actual − expected| ≤ <paramref name="relative"/> · max|expected| (a scale-relative bound, since
    /// elementwise ratios blow up near zero) and returns (max abs error, that error over max|expected|).
    /// </summary>
    public static (double Abs, double Rel) Close(Tensor expected, Tensor actual, double relative, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        var abs = (actual.to(ScalarType.Float64) - expected.to(ScalarType.Float64)).abs().max().item<double>();
        var scale = expected.abs().max().to(ScalarType.Float64).item<double>();
        var rel = abs / scale;
        Assert.True(rel <= relative, $"{what}: max abs error {abs:E3}, relative to max|expected| = {scale:G4}: {rel:E3} > {relative:E1}");
        return (abs, rel);
    }
}
