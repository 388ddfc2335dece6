using TeEFusion.Core.Sampling;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Sampling;

[Collection("Sequential")]
public class LatentNoiseTests
{
    [Fact]
    public void SeedStreamsEqualPyTorchManualSeedRandn()
    {
        var f = SamplingFixture.Instance.Noise;
        using var noise = LatentNoise.Sample([0, 42], 16, 4, 4, CPU, ScalarType.Float32);
        Assert.Equal([2L, 16, 4, 4], noise.shape);
        Assert.Equal(f.Seed0, noise[0].data<float>().ToArray());
        Assert.Equal(f.Seed42, noise[1].data<float>().ToArray());
    }

    [Fact]
    public void SameSeedGivesSameNoiseWhateverElseIsInTheBatch()
    {
        using var alone = LatentNoise.Sample([7], 4, 8, 8, CPU, ScalarType.Float32);
        using var batch = LatentNoise.Sample([3, 7, 7, 11], 4, 8, 8, CPU, ScalarType.Float32);
        Assert.True(alone[0].equal(batch[1]).all().item<bool>());
        Assert.True(alone[0].equal(batch[2]).all().item<bool>());
        Assert.False(alone[0].equal(batch[0]).all().item<bool>());
    }

    [Fact]
    public void DrawsInFloat32ThenCastsToTheRequestedDType()
    {
        using var f32 = LatentNoise.Sample([5], 4, 8, 8, CPU, ScalarType.Float32);
        using var bf16 = LatentNoise.Sample([5], 4, 8, 8, CPU, ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, bf16.dtype);
        Assert.True(f32.to(ScalarType.BFloat16).equal(bf16).all().item<bool>());
    }

    [Fact]
    public void RejectsNegativeSeedsAndEmptyBatches()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LatentNoise.Sample([-1], 4, 8, 8, CPU, ScalarType.Float32));
        Assert.Throws<ArgumentException>(() => LatentNoise.Sample([], 4, 8, 8, CPU, ScalarType.Float32));
    }
}
