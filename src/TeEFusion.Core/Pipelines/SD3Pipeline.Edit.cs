// The flow of diffusers' StableDiffusion3Img2ImgPipeline and StableDiffusion3InpaintPipeline.__call__ (v0.33.1):
// encode the prompt, encode the image, start on the schedule's tail, blend the known region after each step, decode.
using TeEFusion.Core.Sampling;

namespace TeEFusion.Core.Pipelines;

public abstract partial class SD3Pipeline
{
    /// <summary>
    /// Edits <paramref name="edit"/>'s image once per request, as one batch: image-to-image without a mask, inpainting
    /// with one. The requests must share steps, sampler and the image's size; <c>Steps</c> is the full schedule's length,
    /// of which the last <c>Steps − t_start</c> run (see <see cref="StrengthSchedule"/>). Every sampler works: a step's
    /// index counts the steps that run, from 0, as diffusers' loop does.
    /// </summary>
    /// <exception cref="ArgumentException">The requests cannot share a batch, or their size is not the image's.</exception>
    public GenerationResult Edit(IReadOnlyList<ResolvedGenerationRequest> resolved, ImageEdit edit, Action<SamplingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(edit);
        if (resolved.Any(r => r.Width != edit.Source.Width || r.Height != edit.Source.Height))
            throw new ArgumentException($"An edit's size is its image's ({edit.Source.Width}x{edit.Source.Height}).", nameof(resolved));
        return Run(resolved, edit, progress, cancellation);
    }
}
