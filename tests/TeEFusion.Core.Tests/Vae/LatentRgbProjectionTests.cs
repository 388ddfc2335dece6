using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Tests.Pipelines;
using TeEFusion.Core.Vae;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Vae;

[Collection("Sequential")]
public sealed class LatentRgbProjectionTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void On_the_bundled_vae_a_preview_is_close_to_the_full_decode_of_latents_it_was_not_fitted_on()
    {
        using var pipeline = StudentPipeline.Load(BundledModel.Locate());
        var vae = pipeline.Components.Vae;
        using var projection = LatentRgbProjection.Fit(vae);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Latents of pictures like the model's own (flat shapes on flat backgrounds), none of which the fit saw.
        manual_seed(11);
        var size = 8 * vae.Config.DownsampleFactor;
        var blocks = nn.functional.interpolate(rand(3, 3, 4, 4) * 2 - 1, [size, size], mode: InterpolationMode.Nearest);
        var latents = vae.Encode(blocks);                                       // (3, C, h, w)
        var decoded = vae.Decode(latents).to(ScalarType.Float32);               // (3, 3, H, W)

        var preview = projection.Preview(latents, size, size);                  // (3, 3, H, W)

        Assert.Equal(decoded.shape, preview.shape);
        var factor = vae.Config.DownsampleFactor;
        var blockMeans = nn.functional.avg_pool2d(decoded, factor);            // (3, 3, h, w)
        var atLatent = (projection.Project(latents) - blockMeans).square().mean().sqrt().item<float>();
        var atFull = (preview - decoded).square().mean().sqrt().item<float>();
        var spread = decoded.std().item<float>();
        // The bundled VAE has 4 latent channels, each latent pixel drawing 4×4 pixels: a linear map gives each block's mean
        // colour (measured: RMS 0.27 against the spread's 0.46), not the edges inside it (0.31 at full size).
        Assert.True(atLatent < 0.7 * spread, $"RMS error {atLatent:F3} per block against the decode's spread {spread:F3}");
        Assert.True(atFull < 0.8 * spread, $"RMS error {atFull:F3} per pixel against the decode's spread {spread:F3}");
        Assert.True(projection.FitRmsError < 0.7 * spread, $"fit RMS error {projection.FitRmsError:F3}");
    }

    [Fact]
    public void The_fit_is_deterministic_and_a_random_vae_gives_finite_previews_in_range()
    {
        var vae = tiny.Student.Components.Vae;
        using var first = LatentRgbProjection.Fit(vae);
        using var second = LatentRgbProjection.Fit(vae);
        using var scope = NewDisposeScope();
        manual_seed(5);
        var latents = randn(2, first.LatentChannels, 4, 4);

        var a = first.Preview(latents, 8, 12);
        var b = second.Preview(latents, 8, 12);

        Assert.Equal(new long[] { 2, 3, 8, 12 }, a.shape);
        Assert.True(a.equal(b).all().item<bool>());
        Assert.True(a.isfinite().all().item<bool>());
        Assert.True(a.abs().max().item<float>() <= 1f);
        Assert.Throws<ArgumentException>(() => first.Project(randn(1, first.LatentChannels + 1, 4, 4)));
    }

    [Fact]
    public void A_pipeline_fits_its_projection_once()
    {
        Assert.Same(tiny.Student.PreviewProjection, tiny.Student.PreviewProjection);
    }
}
