// The 16-channel branch of the denoising loop of diffusers' StableDiffusion3InpaintPipeline.__call__
// (pipeline_stable_diffusion_3_inpaint.py): `init_latents_proper` and the blend after each scheduler step.
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Sampling;

/// <summary>
/// After step i, the known region (mask 0) is replaced by the image latents noised to the σ the next step starts from,
/// with the same noise the trajectory started from; after the last step, by the image latents themselves.
/// </summary>
public static class InpaintBlend
{
    /// <param name="latents">The sampler's output after step <paramref name="step"/>, (B, C, h, w).</param>
    /// <param name="imageLatents">z0, the scaled VAE latents of the image, (B, C, h, w).</param>
    /// <param name="noise">The noise the edit started from, (B, C, h, w).</param>
    /// <param name="mask">1 = repaint, on the latent grid, (B or 1, 1, h, w).</param>
    /// <param name="schedule">The steps the edit runs (<see cref="StrengthSchedule.Tail"/>).</param>
    /// <param name="step">The index of the step just taken in <paramref name="schedule"/>.</param>
    /// <returns>(1 − mask)·proper + mask·latents in the latents' dtype, (B, C, h, w).</returns>
    public static Tensor Apply(Tensor latents, Tensor imageLatents, Tensor noise, Tensor mask, SigmaSchedule schedule, int step)
    {
        using var scope = NewDisposeScope();
        var batch = (int)latents.shape[0];
        var proper = step < schedule.NumSteps - 1
            ? FlowMatchEulerDiscreteScheduler.ScaleNoise(imageLatents, noise, Enumerable.Repeat(schedule.Sigmas[step + 1], batch).ToArray()) // (B, C, h, w)
            : imageLatents;                                                                                       // (B, C, h, w)
        var m = mask.to(latents.dtype);                                                                            // (B|1, 1, h, w)
        return ((1 - m) * proper.to(latents.dtype) + m * latents).MoveToOuterDisposeScope();                     // (B, C, h, w)
    }
}
