// A fitted linear latent-to-RGB map, the kind of "approximate decoder" image UIs use for live previews (e.g.
// ComfyUI's latent_rgb_factors), fitted here to whatever VAE the folder has instead of shipped as constants.
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Vae;

/// <summary>
/// A cheap stand-in for the VAE decoder, for previews: each latent pixel's channels map linearly (plus a bias) to the
/// mean RGB of the f×f pixels the decoder draws for it, and the result is upsampled bilinearly to the image size. It costs
/// one 1×1 convolution and an upsample instead of a decoder pass. <see cref="Fit"/> finds the map by least squares against
/// the VAE's own round trip (encode, then decode) of a few synthetic images, smooth gradients and flat blocks of random
/// colours, so it needs no data and follows the colours of any VAE. Its weights live outside every dispose scope.
/// </summary>
public sealed class LatentRgbProjection : IDisposable
{
    private const int FitImagesPerKind = 4;
    private const int FitLatentSize = 16;
    // Keeps the normal equations solvable when a (random) VAE leaves some latent channels constant.
    private const double Ridge = 1e-4;

    private readonly Tensor _weight; // (3, C, 1, 1) float32
    private readonly Tensor _bias;   // (3) float32

    private LatentRgbProjection(Tensor weight, Tensor bias, double fitRmsError)
    {
        _weight = weight.DetachFromDisposeScope();
        _bias = bias.DetachFromDisposeScope();
        FitRmsError = fitRmsError;
    }

    /// <summary>Latent channels the map reads.</summary>
    public int LatentChannels => (int)_weight.shape[1];

    /// <summary>RMS difference from the VAE's decoding on the fit images, per colour value in [−1, 1] (at latent resolution).</summary>
    public double FitRmsError { get; }

    /// <summary>Fits the map to <paramref name="vae"/> on its device; the same VAE and seed give the same map.</summary>
    public static LatentRgbProjection Fit(AutoencoderKL vae, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(vae);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var factor = vae.Config.DownsampleFactor;
        var size = FitLatentSize * factor;
        var device = vae.parameters().First().device;
        using var generator = new Generator((ulong)seed, CPU);
        var smooth = nn.functional.interpolate(RandomColours(4, generator), [size, size], mode: InterpolationMode.Bilinear,
            align_corners: true);                                                                 // (n, 3, S, S)
        var blocks = nn.functional.interpolate(RandomColours(8, generator), [size, size], mode: InterpolationMode.Nearest); // (n, 3, S, S)
        var images = cat([smooth, blocks], 0).to(device);                                         // (2n, 3, S, S)

        var latents = vae.Encode(images).to(ScalarType.Float32);                                  // (2n, C, s, s)
        var decoded = vae.Decode(latents).to(ScalarType.Float32);                                 // (2n, 3, S, S)
        var target = nn.functional.avg_pool2d(decoded, factor);                                   // (2n, 3, s, s)

        var channels = latents.shape[1];
        var x = latents.permute(0, 2, 3, 1).reshape(-1, channels).to(ScalarType.Float64).cpu();  // (N, C)
        var inputs = cat([x, ones(x.shape[0], 1, ScalarType.Float64)], 1);                     // (N, C + 1)
        var y = target.permute(0, 2, 3, 1).reshape(-1, 3).to(ScalarType.Float64).cpu();        // (N, 3)
        var gram = inputs.t().matmul(inputs) + eye(channels + 1, dtype: ScalarType.Float64) * (Ridge * inputs.shape[0]); // (C + 1, C + 1)
        var solution = linalg.solve(gram, inputs.t().matmul(y));                               // (C + 1, 3)
        var rms = (inputs.matmul(solution) - y).square().mean().sqrt().item<double>();

        var weight = solution.narrow(0, 0, channels).t().reshape(3, channels, 1, 1).to(ScalarType.Float32).to(device); // (3, C, 1, 1)
        var bias = solution[channels].to(ScalarType.Float32).to(device);                        // (3)
        return new LatentRgbProjection(weight, bias, rms);
    }

    /// <summary>Denoiser-space latents (B, C, h, w) to RGB at latent resolution (B, 3, h, w), float32, about [−1, 1].</summary>
    public Tensor Project(Tensor latents)
    {
        if (latents.dim() != 4 || latents.shape[1] != LatentChannels)
            throw new ArgumentException($"latents must have shape (B, {LatentChannels}, h, w), got ({string.Join(", ", latents.shape)}).", nameof(latents));
        using var scope = NewDisposeScope();
        var x = latents.to(ScalarType.Float32);                                                   // (B, C, h, w)
        return nn.functional.conv2d(x, _weight.to(x.device), _bias.to(x.device)).MoveToOuterDisposeScope(); // (B, 3, h, w)
    }

    /// <summary>A preview image (B, 3, <paramref name="height"/>, <paramref name="width"/>) in [−1, 1], as the decoder's output would be.</summary>
    public Tensor Preview(Tensor latents, int height, int width)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var rgb = Project(latents);                                                               // (B, 3, h, w)
        var image = nn.functional.interpolate(rgb, [height, width], mode: InterpolationMode.Bilinear, align_corners: false); // (B, 3, H, W)
        return image.clamp(-1.0, 1.0).MoveToOuterDisposeScope();                                 // (B, 3, H, W)
    }

    public void Dispose()
    {
        _weight.Dispose();
        _bias.Dispose();
    }

    // n images of g×g random colours in [−1, 1], (n, 3, g, g).
    private static Tensor RandomColours(int grid, Generator generator) =>
        rand([FitImagesPerKind, 3, grid, grid], ScalarType.Float32, CPU, generator: generator) * 2 - 1;
}
