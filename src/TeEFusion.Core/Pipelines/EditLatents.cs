// prepare_latents / _encode_vae_image / prepare_mask_latents of diffusers' StableDiffusion3Img2ImgPipeline and
// StableDiffusion3InpaintPipeline (v0.33.1), for 16-channel transformers.
using TeEFusion.Core.Imaging;
using TeEFusion.Core.Sampling;
using TeEFusion.Core.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Pipelines;

/// <summary>
/// The tensors an edit needs beyond a generation's: the image latents z0 and the noise of each image, the repaint mask
/// on the latent grid, and the steps that run. Image k draws, from one CPU generator seeded with its seed, first the
/// VAE posterior sample and then its noise, which is what diffusers does for a call with one image and
/// `generator=torch.Generator().manual_seed(seed)`; so image k of an n-image edit equals a one-image edit with seed k.
/// Owns its tensors: they belong to the caller's dispose scope until <see cref="DetachFromDisposeScope"/>.
/// </summary>
public sealed class EditLatents : IDisposable
{
    private EditLatents(SigmaSchedule schedule, int startIndex, double strength, Tensor imageLatents, Tensor noise, Tensor? mask)
    {
        Schedule = schedule;
        StartIndex = startIndex;
        Strength = strength;
        ImageLatents = imageLatents;
        Noise = noise;
        Mask = mask;
    }

    /// <summary>The steps that run (<see cref="StrengthSchedule.Tail"/>).</summary>
    public SigmaSchedule Schedule { get; }

    /// <summary>t_start: where the edit enters the full schedule.</summary>
    public int StartIndex { get; }

    public double Strength { get; }

    /// <summary>z0 = (sample − shift_factor) · scaling_factor per image, (n, C, h, w) in the model's dtype.</summary>
    public Tensor ImageLatents { get; }

    /// <summary>The noise per image, (n, C, h, w) in the model's dtype.</summary>
    public Tensor Noise { get; }

    /// <summary>1 = repaint, on the latent grid, (1, 1, h, w) in the model's dtype; null for image-to-image.</summary>
    public Tensor? Mask { get; }

    /// <summary>
    /// Encodes <paramref name="source"/> once and draws, per seed, the posterior sample and the noise.
    /// </summary>
    /// <param name="components">The loaded model (its VAE encodes the image).</param>
    /// <param name="source">The image and mask, at the output size.</param>
    /// <param name="strength">In (0, 1].</param>
    /// <param name="seeds">One per image.</param>
    /// <param name="schedule">The full schedule `steps` builds.</param>
    public static EditLatents Prepare(SD3Components components, EditSource source, double strength, IReadOnlyList<long> seeds, SigmaSchedule schedule)
    {
        var factor = components.VaeScaleFactor;
        if (source.Width % factor != 0 || source.Height % factor != 0)
            throw new ArgumentException($"The image is {source.Width}x{source.Height}; both sides must be multiples of {factor}.", nameof(source));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var device = components.Compute.Device;
        using var posterior = components.Vae.EncodeRaw(source.Pixels().to(device));                  // (1, L, h, w) mean and std
        var repaint = source.HasMask ? source.RepaintPixels().to(device) : null;                    // (1, 1, H, W)
        var vae = components.Vae.Config;
        var edit = FromPosterior(posterior, repaint, vae.ShiftFactor ?? 0.0, vae.ScalingFactor, strength, seeds, schedule, components.Compute.DType);
        edit.ImageLatents.MoveToOuterDisposeScope();
        edit.Noise.MoveToOuterDisposeScope();
        edit.Mask?.MoveToOuterDisposeScope();
        return edit;
    }

    /// <summary>
    /// <see cref="Prepare"/> after the VAE: the image's <paramref name="posterior"/> (1, L, h, w), the per-pixel
    /// <paramref name="repaint"/> mask (1, 1, H, W) or null, and the VAE's shift and scaling factors. Tensors in the caller's scope.
    /// </summary>
    public static EditLatents FromPosterior(DiagonalGaussianDistribution posterior, Tensor? repaint, double shiftFactor, double scalingFactor,
        double strength, IReadOnlyList<long> seeds, SigmaSchedule schedule, ScalarType dtype)
    {
        if (seeds.Count == 0) throw new ArgumentException("At least one seed is needed.", nameof(seeds));
        var startIndex = StrengthSchedule.StartIndex(schedule.NumSteps, strength);
        var device = posterior.Mean.device;
        var latents = new Tensor[seeds.Count];
        var noises = new Tensor[seeds.Count];
        for (var k = 0; k < seeds.Count; k++)
        {
            if (seeds[k] < 0) throw new ArgumentOutOfRangeException(nameof(seeds), seeds[k], "Seeds must be non-negative.");
            using var generator = new Generator((ulong)seeds[k], CPU);
            // Both draws in float32 on the CPU generator, as LatentNoise draws a generation's noise.
            var eps = randn(posterior.Mean.shape, ScalarType.Float32, CPU, generator: generator);               // (1, L, h, w)
            var noise = randn(posterior.Mean.shape, ScalarType.Float32, CPU, generator: generator);             // (1, L, h, w)
            var sample = posterior.Mean + posterior.Std * eps.to(device).to(posterior.Mean.dtype);              // (1, L, h, w)
            latents[k] = sample.sub(shiftFactor).mul(scalingFactor).to(dtype);                                   // (1, L, h, w)
            noises[k] = noise.to(device).to(dtype);                                                             // (1, L, h, w)
        }
        // Nearest-neighbour downsampling (interpolate's default mode) keeps pixel (f·i, f·j) of each f×f block.
        var (h, w) = (posterior.Mean.shape[2], posterior.Mean.shape[3]);
        var mask = repaint is null ? null : nn.functional.interpolate(repaint, size: [h, w]).to(dtype);       // (1, 1, h, w)
        return new EditLatents(StrengthSchedule.Tail(schedule, startIndex), startIndex, strength, cat(latents, 0), cat(noises, 0), mask); // (n, L, h, w)
    }

    /// <summary>
    /// The latents the first step takes: the image latents noised to the first step's σ (scale_noise), or, for inpainting at
    /// strength 1, the noise itself as diffusers' `is_strength_max` branch does. (n, C, h, w), in the caller's scope.
    /// </summary>
    public Tensor Initial()
    {
        if (Mask is not null && Strength == 1.0) return Noise.clone();
        var sigma = Enumerable.Repeat(Schedule.Sigmas[0], (int)ImageLatents.shape[0]).ToArray();
        return FlowMatchEulerDiscreteScheduler.ScaleNoise(ImageLatents, Noise, sigma);                         // (n, C, h, w)
    }

    /// <summary>
    /// What follows step <paramref name="step"/> of <see cref="Schedule"/> for images <paramref name="firstImage"/>… of
    /// <paramref name="latents"/>' batch: the inpainting blend, or the latents unchanged for image-to-image.
    /// </summary>
    public Tensor AfterStep(Tensor latents, int step, int firstImage = 0)
    {
        if (Mask is null) return latents;
        var count = latents.shape[0];
        return InpaintBlend.Apply(latents, ImageLatents.narrow(0, firstImage, count), Noise.narrow(0, firstImage, count), Mask, Schedule, step);
    }

    /// <summary>Takes the tensors out of every dispose scope: this object alone owns them until <see cref="Dispose"/>.</summary>
    public EditLatents DetachFromDisposeScope()
    {
        ImageLatents.DetachFromDisposeScope();
        Noise.DetachFromDisposeScope();
        Mask?.DetachFromDisposeScope();
        return this;
    }

    public void Dispose()
    {
        ImageLatents.Dispose();
        Noise.Dispose();
        Mask?.Dispose();
    }
}
