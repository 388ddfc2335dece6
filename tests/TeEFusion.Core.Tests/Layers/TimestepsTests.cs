using TeEFusion.Core.IO;
using TeEFusion.Core.Layers;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Layers;

[Collection("Sequential")]
public class TimestepsTests(ITestOutputHelper output)
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "MMDiT", name);

    /// <summary>
    /// Against a correctly rounded float32 evaluation of diffusers' operation sequence. Libm implementations may differ
    /// by an ulp in exp/sin/cos, which moves an argument t·f by up to ~t·2⁻²³: the tolerance allows exactly that.
    /// </summary>
    [Fact]
    public void SinusoidMatchesTheFloat32Reference()
    {
        using var scope = NewDisposeScope();
        using var file = SafetensorsFile.Open(Fixture("embeddings.safetensors"));
        using var time_proj = new Timesteps(256, flip_sin_to_cos: true, downscale_freq_shift: 0);
        var t = file.Read("timesteps");
        var actual = time_proj.call(t);
        var expected = file.Read("sinusoid");
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(ScalarType.Float32, actual.dtype);
        for (var i = 0; i < t.shape[0]; i++)
        {
            var step = t[i].item<float>();
            var error = (actual[i] - expected[i]).abs().max().item<float>();
            output.WriteLine($"t = {step}: max abs error {error:E2}");
            Assert.True(error <= 1e-7 + 2 * step * Math.Pow(2, -23), $"t = {step}: max abs error {error:E2}");
        }
    }

    [Fact]
    public void CosineHalfComesFirst()
    {
        using var scope = NewDisposeScope();
        using var time_proj = new Timesteps(8, flip_sin_to_cos: true, downscale_freq_shift: 0);
        // ψ(0) = [cos 0 … | sin 0 …]: ones then zeros, only with flip_sin_to_cos.
        Assert.Equal([1f, 1f, 1f, 1f, 0f, 0f, 0f, 0f], time_proj.call(zeros(1)).data<float>().ToArray());
        // Frequencies 10000^(−k/4): the sine half at t = 1 is sin(1), sin(0.1), sin(0.01), sin(0.001).
        var sines = time_proj.call(ones(1))[0, 4..].data<float>().ToArray();
        Assert.Equal([Math.Sin(1), Math.Sin(0.1), Math.Sin(0.01), Math.Sin(0.001)], sines.Select(v => (double)v), new Tolerance(1e-6));
    }

    [Fact]
    public void RejectsNonVectorTimesteps()
    {
        using var scope = NewDisposeScope();
        using var time_proj = new Timesteps(256, flip_sin_to_cos: true, downscale_freq_shift: 0);
        Assert.Contains("1-D", Assert.Throws<ArgumentException>(() => time_proj.call(zeros(2, 1))).Message);
    }

    private sealed class Tolerance(double limit) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= limit;
        public int GetHashCode(double obj) => 0;
    }
}
