using TeEFusion.Core.Layers;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Layers;

/// <summary>
/// Chunk order of the adaptive norms, with the projection's weight zeroed and its bias holding a distinct constant per
/// chunk: swapping any two chunks changes an output.
/// </summary>
[Collection("Sequential")]
public class AdaLayerNormTests
{
    private const int Dim = 4;

    [Fact]
    public void AdaLayerNormZeroChunksAreShiftScaleGateForAttentionThenMlp()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var norm = new AdaLayerNormZero(Dim);
        SetChunks(norm, [1, 2, 3, 4, 5, 6]); // shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp
        var x = randn(2, 3, Dim);
        var (normed, gate_msa, shift_mlp, scale_mlp, gate_mlp) = norm.call(x, randn(2, Dim));
        AssertClose(Normalized(x) * (1 + 2) + 1, normed);
        AssertAll(3, gate_msa);
        AssertAll(4, shift_mlp);
        AssertAll(5, scale_mlp);
        AssertAll(6, gate_mlp);
    }

    [Fact]
    public void SD35AdaLayerNormZeroXAddsShiftScaleGateForAttn2()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var norm = new SD35AdaLayerNormZeroX(Dim);
        SetChunks(norm, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var x = randn(2, 3, Dim);
        var (normed, gate_msa, shift_mlp, scale_mlp, gate_mlp, normed2, gate_msa2) = norm.call(x, randn(2, Dim));
        AssertClose(Normalized(x) * (1 + 2) + 1, normed);
        AssertAll(3, gate_msa);
        AssertAll(4, shift_mlp);
        AssertAll(5, scale_mlp);
        AssertAll(6, gate_mlp);
        AssertClose(Normalized(x) * (1 + 8) + 7, normed2);
        AssertAll(9, gate_msa2);
    }

    [Fact]
    public void AdaLayerNormContinuousChunksAreScaleThenShift()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var norm = new AdaLayerNormContinuous(Dim, Dim);
        SetChunks(norm, [2, 7]); // scale, shift
        var x = randn(2, 3, Dim);
        AssertClose(Normalized(x) * (1 + 2) + 7, norm.call(x, randn(2, Dim)));
    }

    private static void SetChunks(nn.Module norm, float[] values)
    {
        var weights = norm.state_dict();
        weights["linear.weight"].zero_();
        weights["linear.bias"].copy_(tensor(values).repeat_interleave(Dim));
    }

    private static Tensor Normalized(Tensor x)
    {
        var mean = x.mean([-1L], keepdim: true);
        var variance = (x - mean).pow(2).mean([-1L], keepdim: true);
        return (x - mean) / (variance + 1e-6).sqrt();
    }

    private static void AssertAll(float value, Tensor chunk) => AssertClose(full_like(chunk, value), chunk);

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.True((expected - actual).abs().max().item<float>() <= 1e-5);
    }
}
