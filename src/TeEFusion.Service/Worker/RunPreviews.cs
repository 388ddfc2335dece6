using TeEFusion.Core.Imaging;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using TeEFusion.Service.Jobs;
using static TorchSharp.torch;

namespace TeEFusion.Service.Worker;

/// <summary>
/// The partial images a running job asked for: after which completed steps they are drawn (<see cref="PreviewSteps"/>),
/// the predicted clean latents (<see cref="PredictedClean"/>) kept from the steps that end there, and their rendering with
/// the pipeline's cheap <see cref="TeEFusion.Core.Vae.LatentRgbProjection"/> into the job's file format. Only a job with
/// partial_images has one, so other jobs pay nothing. The kept latents live outside every dispose scope until published.
/// </summary>
internal sealed class RunPreviews : IDisposable
{
    private readonly int[] _steps;
    private readonly Tensor?[] _clean;

    private RunPreviews(int[] steps, int images)
    {
        _steps = steps;
        _clean = new Tensor?[images];
    }

    /// <summary>The previews of <paramref name="spec"/> over <paramref name="steps"/> steps; null when it draws none.</summary>
    public static RunPreviews? For(JobSpec spec, int steps) =>
        spec.PartialImages > 0 && PreviewSteps.For(spec.PartialImages, steps) is { Count: > 0 } at ? new RunPreviews([.. at], spec.ImageCount) : null;

    /// <summary>Keeps x̂0 of <paramref name="image"/>'s step from <paramref name="latents"/> to <paramref name="next"/> when
    /// the step completes a preview step (<paramref name="completed"/> steps done); otherwise does nothing.</summary>
    public void Capture(int image, int completed, Tensor latents, Tensor next, float sigma, float sigmaNext)
    {
        if (!_steps.Contains(completed)) return;
        _clean[image]?.Dispose();
        _clean[image] = PredictedClean.FromStep(latents, next, sigma, sigmaNext).DetachFromDisposeScope(); // (1, C, h, w)
    }

    /// <summary>Draws, encodes and reports the previews kept for the step that made <paramref name="completed"/> steps done.</summary>
    public void Publish(Job job, SD3Pipeline pipeline, int completed, DateTimeOffset now)
    {
        var index = Array.IndexOf(_steps, completed);
        if (index < 0) return;
        var request = job.Spec.Request;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        for (var image = 0; image < _clean.Length; image++)
        {
            if (_clean[image] is not { } clean) continue;
            var preview = pipeline.PreviewProjection.Preview(clean, request.Height, request.Width); // (1, 3, H, W)
            job.ReportPartialImage(image, index, ImageFileWriter.EncodePreview(preview, job.Spec.Output), now);
            clean.Dispose();
            _clean[image] = null;
        }
    }

    public void Dispose()
    {
        foreach (var clean in _clean) clean?.Dispose();
    }
}
