using TeEFusion.Core.Imaging;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using TeEFusion.Service.Jobs;

namespace TeEFusion.Service.Worker;

/// <summary>An edit job's start on the worker: its files decoded at the job's size, encoded by the VAE, one seed per image.</summary>
internal static class EditStart
{
    /// <summary>The run's <see cref="EditLatents"/>, in the caller's dispose scope.</summary>
    public static EditLatents Prepare(SD3Pipeline pipeline, JobSpec spec, IReadOnlyList<ResolvedGenerationRequest> requests, SigmaSchedule schedule)
    {
        var edit = spec.Edit ?? throw new ArgumentException("The job is not an edit.", nameof(spec));
        var source = EditSource.Read(edit.Image, edit.Mask, spec.Request.Width, spec.Request.Height);
        return EditLatents.Prepare(pipeline.Components, source, edit.Strength, requests.Select(r => r.Seed).ToList(), schedule);
    }
}
