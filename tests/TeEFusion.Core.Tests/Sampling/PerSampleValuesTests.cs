using TeEFusion.Core.Sampling;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Sampling;

[Collection("Sequential")]
public class PerSampleValuesTests
{
    [Fact]
    public void SharedIsTheCommonValueOrNull()
    {
        Assert.Equal(0.5f, PerSampleValues.Shared([0.5f, 0.5f, 0.5f]));
        Assert.Equal(2.0, PerSampleValues.Shared([2.0]));
        Assert.Null(PerSampleValues.Shared([0.5f, 0.25f]));
    }

    public static TheoryData<ScalarType> DTypes => [ScalarType.BFloat16, ScalarType.Float16, ScalarType.Float32];

    [Theory]
    [MemberData(nameof(DTypes))]
    public void RoundToEqualsTorchsConversion(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        // Differences of SD3 σ (not representable in 8 or 11 bits), exact ties in bf16, and magnitudes around 1000.
        float[] values = [-0.0410923f, -0.123456789f, 1f + 1f / 256, 1f + 3f / 256, 4992.5f, -3.3f, 0f, 1e-8f];
        var expected = tensor(values).to(dtype).to(ScalarType.Float32).data<float>().ToArray();
        Assert.Equal(expected, values.Select(v => PerSampleValues.RoundTo(v, dtype)).ToArray());
    }

    [Fact]
    public void TensorHoldsTheValuesWhetherSharedOrNot()
    {
        using var scope = NewDisposeScope();
        var shared = PerSampleValues.Tensor([5.0, 5.0], ScalarType.BFloat16, CPU);
        var mixed = PerSampleValues.Tensor([5.0, 2.5], ScalarType.BFloat16, CPU);
        Assert.Equal(ScalarType.BFloat16, shared.dtype);
        Assert.Equal([5f, 5f], shared.to(ScalarType.Float32).data<float>().ToArray());
        Assert.Equal([5f, 2.5f], mixed.to(ScalarType.Float32).data<float>().ToArray());
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void EulerStepWithASharedSigmaEqualsThePerSampleTensorStep(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        var x = randn(3, 4, 16, 16).to(dtype);
        var v = randn(3, 4, 16, 16).to(dtype);
        // Rows 0 and 1 share σ in both calls; the third row's other σ sends the second call down the per-sample path.
        var shared = FlowMatchEulerDiscreteScheduler.Step(x, v, [0.9130435f, 0.9130435f, 0.9130435f], [0.8719512f, 0.8719512f, 0.8719512f]);
        var perSample = FlowMatchEulerDiscreteScheduler.Step(x, v, [0.9130435f, 0.9130435f, 0.6f], [0.8719512f, 0.8719512f, 0.45f]);
        Assert.Equal(dtype, shared.dtype);
        Assert.True(shared.narrow(0, 0, 2).equal(perSample.narrow(0, 0, 2)).all().item<bool>());
    }
}
