using TeEFusion.Core.Vae;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Vae;

/// <summary>
/// Tiny VAEs against the independent PyTorch reference in Fixtures/Vae/make_vae_fixtures.py: tiny_sd3 has SD3's
/// structure (no quant convs, mid-block attention, silu), tiny_quant the other branches (quant convs, no attention,
/// gelu, no shift_factor). Both use a non-trivial scaling_factor (0.75), tiny_sd3 a shift_factor (0.25).
/// </summary>
[Collection("Sequential")]
public class AutoencoderKLNumericsTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData("tiny_sd3")]
    [InlineData("tiny_quant")]
    public void EncodeMatchesReference(string stem)
    {
        using var fixture = VaeFixture.Open(stem);
        var vae = fixture.Vae;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var latentChannels = vae.Config.LatentChannels;
        var moments = fixture["expected.moments"];
        using var posterior = vae.EncodeRaw(fixture["input.image"]);
        var mean = VaeAssert.Close(moments.narrow(1, 0, latentChannels), posterior.Mean, Tolerance, "posterior mean");
        var logVar = VaeAssert.Close(moments.narrow(1, latentChannels, latentChannels), posterior.LogVar, Tolerance, "posterior logvar");
        var latents = VaeAssert.Close(fixture["expected.encode"], vae.Encode(fixture["input.image"]), Tolerance, "Encode");
        output.WriteLine($"{stem}: mean {mean}, logvar {logVar}, scaled latents {latents} (max abs, rel)");
    }

    [Theory]
    [InlineData("tiny_sd3")]
    [InlineData("tiny_quant")]
    public void DecodeMatchesReference(string stem)
    {
        using var fixture = VaeFixture.Open(stem);
        var vae = fixture.Vae;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var image = vae.Decode(fixture["input.latents"]);
        Assert.Equal(new long[] { 2, 3, 16, 16 }, image.shape);
        var error = VaeAssert.Close(fixture["expected.decode"], image, Tolerance, "Decode");
        output.WriteLine($"{stem}: decode {error} (max abs, rel)");
    }

    [Theory]
    [InlineData("tiny_sd3")]
    [InlineData("tiny_quant")]
    public void TiledDecodeMatchesReference(string stem)
    {
        using var fixture = VaeFixture.Open(stem);
        var vae = fixture.Vae;
        vae.Tiling = new AutoencoderKLTilingOptions(TileLatentSize: 8, OverlapFactor: 0.25);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // (1, 4, 20, 18) latents: 4×3 tiles of 8 with stride 6, ragged at the bottom and right edges.
        var image = vae.DecodeRaw(fixture["input.tiled_latents"]);
        Assert.Equal(new long[] { 1, 3, 40, 36 }, image.shape);
        var error = VaeAssert.Close(fixture["expected.tiled_decode_raw"], image, Tolerance, "tiled DecodeRaw");
        output.WriteLine($"{stem}: tiled decode {error} (max abs, rel)");
    }

    [Fact]
    public void DecodeAppliesScalingAndShift()
    {
        using var fixture = VaeFixture.Open("tiny_sd3");
        var vae = fixture.Vae;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var latents = fixture["input.latents"];
        Assert.Equal((0.75, 0.25), (vae.Config.ScalingFactor, vae.Config.ShiftFactor));
        var scaled = vae.Decode(latents);
        VaeAssert.Close(vae.DecodeRaw(latents / 0.75 + 0.25), scaled, 1e-6, "Decode vs DecodeRaw(z/s + shift)");
        var unscaled = vae.DecodeRaw(latents);
        Assert.True((scaled - unscaled).abs().max().item<float>() > 1e-2, "Decode must not equal DecodeRaw of the unscaled latents");
    }

    [Fact]
    public void SampledEncodeDrawsFromThePosterior()
    {
        using var fixture = VaeFixture.Open("tiny_sd3");
        var vae = fixture.Vae;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var image = fixture["input.image"];
        var latentChannels = vae.Config.LatentChannels;
        var moments = fixture["expected.moments"];
        var mean = moments.narrow(1, 0, latentChannels);
        var std = moments.narrow(1, latentChannels, latentChannels).clamp(-30, 20).mul(0.5).exp();
        var noise = randn(mean.shape, generator: new Generator(7));
        var expected = (mean + std * noise - 0.25) * 0.75;

        var sampled = vae.Encode(image, sample: true, generator: new Generator(7));
        VaeAssert.Close(expected, sampled, Tolerance, "sampled Encode");
        var again = vae.Encode(image, sample: true, generator: new Generator(8));
        Assert.True((again - sampled).abs().max().item<float>() > 1e-3, "another seed must give another sample");
    }
}
