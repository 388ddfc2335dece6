// Mirrors diffusers/models/autoencoders/autoencoder_kl.py AutoencoderKL, plus the SD3 pipeline's latent scaling.
using TeEFusion.Core.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.Vae;

/// <summary>
/// The KL autoencoder of SD3. <see cref="Decode"/> and <see cref="Encode"/> speak the denoiser's latent space
/// (scaled and shifted); <see cref="DecodeRaw"/>, <see cref="EncodeRaw"/> and the <c>encoder</c>/<c>decoder</c>
/// forwards speak the VAE's own, as diffusers' vae.decode/vae.encode do. state_dict() keys equal diffusers'.
/// </summary>
/// <remarks>
/// Precision: when the config sets force_upcast the VAE is meant to run in float32 whatever dtype the pipeline
/// uses (bf16/fp16 decoders overflow at high resolution); <see cref="MoveTo"/> applies that rule, and every entry
/// point casts its input to the dtype the weights are in, returning results in that dtype.
/// </remarks>
public sealed class AutoencoderKL : nn.Module<Tensor, Tensor>
{
    private readonly Encoder encoder;
    private readonly Decoder decoder;
    private readonly Conv2d? quant_conv;
    private readonly Conv2d? post_quant_conv;

    /// <summary>Builds the modules with freshly initialised weights; load a checkpoint into them afterwards.</summary>
    public AutoencoderKL(AutoencoderKLConfig config) : base(nameof(AutoencoderKL))
    {
        config.Validate();
        Config = config;
        encoder = new Encoder(config);
        decoder = new Decoder(config);
        var latent = config.LatentChannels;
        quant_conv = config.UseQuantConv ? nn.Conv2d(2 * latent, 2 * latent, 1) : null;
        post_quant_conv = config.UsePostQuantConv ? nn.Conv2d(latent, latent, 1) : null;
        RegisterComponents();
    }

    public AutoencoderKLConfig Config { get; }

    /// <summary>The raw encoder: image to moments (mean, log-variance), before quant_conv.</summary>
    public Encoder Encoder => encoder;

    /// <summary>The raw decoder: VAE-space latents, after post_quant_conv, to an image.</summary>
    public Decoder Decoder => decoder;

    /// <summary>Tiled decoding for large latents; null (the default, as in diffusers) decodes in one piece.</summary>
    public AutoencoderKLTilingOptions? Tiling { get; set; }

    /// <inheritdoc cref="AutoencoderKLConfig.ComputeDType"/>
    public ScalarType ComputeDType(ScalarType pipelineDType) => Config.ComputeDType(pipelineDType);

    /// <summary>Moves the weights to the options' device, in <see cref="ComputeDType"/> of the options' dtype.</summary>
    public AutoencoderKL MoveTo(ComputeOptions options)
    {
        this.to(options.Device, ComputeDType(options.DType));
        return this;
    }

    /// <summary>
    /// Denoiser latents (B, latent_channels, h, w) to images (B, out_channels, 8h, 8w) in about [−1, 1]:
    /// z = latents / scaling_factor + shift_factor, then <see cref="DecodeRaw"/>. The scaling is done in float32.
    /// </summary>
    public Tensor Decode(Tensor latents)
    {
        CheckInput(latents, Config.LatentChannels, nameof(latents), "latent_channels");
        using var scope = NewDisposeScope();
        var z = latents.to(ScalarType.Float32).div(Config.ScalingFactor).add(Config.ShiftFactor ?? 0.0); // (B, L, h, w)
        return DecodeRaw(z).MoveToOuterDisposeScope();                                                   // (B, C, 8h, 8w)
    }

    /// <summary>VAE-space latents to images, as diffusers' vae.decode(z).sample (tiled when <see cref="Tiling"/> asks).</summary>
    public Tensor DecodeRaw(Tensor z)
    {
        CheckInput(z, Config.LatentChannels, nameof(z), "latent_channels");
        using var scope = NewDisposeScope();
        var input = z.to(WeightDType);                                           // (B, L, h, w)
        var tiling = Tiling;
        var tiled = tiling is not null && (input.shape[2] > tiling.TileLatentSize || input.shape[3] > tiling.TileLatentSize);
        var image = tiled
            ? TiledDecoding.Decode(input, DecodeTile, tiling!, Config.DownsampleFactor)
            : DecodeTile(input);                                                 // (B, C, 8h, 8w)
        return image.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Images (B, in_channels, H, W) in [−1, 1] to denoiser latents: (mean − shift_factor) · scaling_factor, where mean
    /// is the posterior's mean, or a draw from the posterior when <paramref name="sample"/> is set.
    /// </summary>
    public Tensor Encode(Tensor image, bool sample = false, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        using var posterior = EncodeRaw(image);
        var z = sample ? posterior.Sample(generator) : posterior.Mode();                      // (B, L, H/8, W/8)
        return z.sub(Config.ShiftFactor ?? 0.0).mul(Config.ScalingFactor).MoveToOuterDisposeScope(); // (B, L, H/8, W/8)
    }

    /// <summary>Images to the latent posterior, as diffusers' vae.encode(x).latent_dist (never tiled).</summary>
    public DiagonalGaussianDistribution EncodeRaw(Tensor image)
    {
        CheckInput(image, Config.InChannels, nameof(image), "in_channels");
        using var scope = NewDisposeScope();
        var moments = encoder.call(image.to(WeightDType));                 // (B, 2L, H/8, W/8)
        if (quant_conv is not null) moments = quant_conv.call(moments);    // (B, 2L, H/8, W/8)
        var posterior = new DiagonalGaussianDistribution(moments);
        posterior.Mean.MoveToOuterDisposeScope();
        posterior.LogVar.MoveToOuterDisposeScope();
        posterior.Std.MoveToOuterDisposeScope();
        return posterior;
    }

    /// <summary>diffusers' forward: encode, take the mean, decode; no latent scaling.</summary>
    public override Tensor forward(Tensor sample)
    {
        using var scope = NewDisposeScope();
        using var posterior = EncodeRaw(sample);
        return DecodeRaw(posterior.Mean).MoveToOuterDisposeScope(); // (B, C, H, W)
    }

    private ScalarType WeightDType => decoder.parameters().First().dtype;

    private Tensor DecodeTile(Tensor z)
    {
        using var scope = NewDisposeScope();
        var x = post_quant_conv is null ? z : post_quant_conv.call(z); // (B, L, h, w)
        return decoder.call(x).MoveToOuterDisposeScope();              // (B, C, 8h, 8w)
    }

    private static void CheckInput(Tensor tensor, int channels, string name, string field)
    {
        if (tensor.dim() != 4 || tensor.shape[1] != channels)
            throw new ArgumentException(
                $"{name} must have shape (B, {channels}, H, W) ({field} = {channels}), got ({string.Join(", ", tensor.shape)}).",
                name);
    }
}
