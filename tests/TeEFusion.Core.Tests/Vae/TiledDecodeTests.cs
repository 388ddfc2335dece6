using TeEFusion.Core.Vae;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Vae;

/// <summary>
/// Tiled decoding against decoding in one piece, on the tiny_sd3 fixture weights. Tiles are not exact (each tile
/// has its own GroupNorm statistics, zero padding at its edges and attention over itself only, as in diffusers),
/// so these tests bound the difference; exact agreement with diffusers' algorithm is
/// AutoencoderKLNumericsTests.TiledDecodeMatchesReference. Latents (1, 4, 32, 32), tiles of 16 latents: with
/// overlap 0.25, tiles start every 12 latents and blend over 8 image rows/columns.
/// </summary>
[Collection("Sequential")]
public class TiledDecodeTests(ITestOutputHelper output)
{
    private static Tensor Latents() => randn([1, 4, 32, 32], generator: new Generator(3));

    private static Tensor DecodeTiled(AutoencoderKL vae, Tensor z, double overlap)
    {
        vae.Tiling = new AutoencoderKLTilingOptions(16, overlap);
        try { return vae.DecodeRaw(z); }
        finally { vae.Tiling = null; }
    }

    [Fact]
    public void TiledStaysCloseToUntiled()
    {
        using var fixture = VaeFixture.Open("tiny_sd3");
        var vae = fixture.Vae;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var z = Latents();
        var whole = vae.DecodeRaw(z);
        var tiled = DecodeTiled(vae, z, 0.25);
        Assert.Equal(whole.shape, tiled.shape);
        var error = tiled - whole;
        var relativeRms = error.square().mean().sqrt().item<float>() / whole.square().mean().sqrt().item<float>();
        var relativeMax = error.abs().max().item<float>() / whole.abs().max().item<float>();
        output.WriteLine($"tiled vs whole: RMS error / RMS = {relativeRms:G4}, max error / max = {relativeMax:G4}");
        // Measured 0.216 and 0.258: per-tile GroupNorm statistics move a tiny random network this much.
        Assert.True(relativeRms < 0.3, $"RMS error / RMS = {relativeRms}");
        Assert.True(relativeMax < 0.35, $"max error / max = {relativeMax}");
    }

    [Fact]
    public void BlendingSmoothsTheSeams()
    {
        using var fixture = VaeFixture.Open("tiny_sd3");
        var vae = fixture.Vae;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var z = Latents();
        var whole = vae.DecodeRaw(z);
        // Where tiles meet, the tiling error jumps from one tile's edge error to the next's; blending spreads that
        // jump over the overlap. Largest row-to-row (and column-to-column) step of the error field:
        double Step(Tensor image)
        {
            var error = image - whole;                                                            // (1, 3, 64, 64)
            var rows = (error.narrow(2, 1, 63) - error.narrow(2, 0, 63)).abs().max().item<float>();
            var columns = (error.narrow(3, 1, 63) - error.narrow(3, 0, 63)).abs().max().item<float>();
            return Math.Max(rows, columns);
        }
        var blended = Step(DecodeTiled(vae, z, 0.25));
        var hardCut = Step(DecodeTiled(vae, z, 0.0));
        output.WriteLine($"largest step of the tiling error: blended {blended:G4}, hard cut {hardCut:G4}");
        // Measured 1.236 blended against 3.173 for hard cuts.
        Assert.True(blended < 0.5 * hardCut, $"blended step {blended} vs hard-cut step {hardCut}");
    }

    [Fact]
    public void LatentsThatFitOneTileAreNotTiled()
    {
        using var fixture = VaeFixture.Open("tiny_sd3");
        var vae = fixture.Vae;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var z = randn([1, 4, 16, 16], generator: new Generator(5));
        var whole = vae.DecodeRaw(z);
        var tiled = DecodeTiled(vae, z, 0.25);
        Assert.Equal(whole.shape, tiled.shape);
        Assert.Equal(0f, (tiled - whole).abs().max().item<float>());
    }

    [Fact]
    public void DefaultsFollowDiffusers()
    {
        var sd3 = AutoencoderKLConfig.Load(VaeFixture.PathOf("sd3_vae_config.json"));
        Assert.Equal(new AutoencoderKLTilingOptions(128, 0.25), AutoencoderKLTilingOptions.For(sd3));
    }

    [Theory]
    [InlineData(1, 0.25, "TileLatentSize")]
    [InlineData(16, 1.0, "OverlapFactor")]
    [InlineData(16, -0.1, "OverlapFactor")]
    [InlineData(2, 0.75, "stride")]
    public void RejectsBadOptions(int tile, double overlap, string message)
    {
        using var fixture = VaeFixture.Open("tiny_sd3");
        var vae = fixture.Vae;
        using var scope = NewDisposeScope();
        vae.Tiling = new AutoencoderKLTilingOptions(tile, overlap);
        var error = Assert.Throws<ArgumentException>(() => vae.DecodeRaw(zeros(1, 4, 20, 20)));
        Assert.Contains(message, error.Message);
    }
}
