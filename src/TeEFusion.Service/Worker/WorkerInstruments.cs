using System.Diagnostics;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Telemetry;

namespace TeEFusion.Service.Worker;

/// <summary>What the worker records into <see cref="ServiceTelemetry"/>: spans tagged with job ids, and the worker metrics.</summary>
public sealed class WorkerInstruments(ServiceTelemetry telemetry)
{
    public void QueueWait(Job job, DateTimeOffset now) => telemetry.QueueWait.Record((now - job.CreatedAt).TotalMilliseconds);

    public void Step(int rows, TimeSpan elapsed, string model, string sampler)
    {
        var tags = Tags(model, sampler);
        telemetry.BatchSize.Record(rows, tags);
        telemetry.StepDuration.Record(elapsed.TotalMilliseconds, tags);
    }

    public void Succeeded(Job job) => telemetry.ImagesGenerated.Add(job.Spec.ImageCount, Tags(job.Spec.Model, job.Spec.Request.Sampler.Name));

    public void Failure(string cause) => telemetry.RecordFailure(cause);

    /// <summary>A span for one batched step, listing the jobs it advanced.</summary>
    public Activity? StepActivity(IEnumerable<string> jobIds, int rows, StepGroup group)
    {
        var activity = ServiceTelemetry.ActivitySource.StartActivity("batch step");
        if (activity is null) return null;
        activity.SetTag(ServiceTelemetry.JobIdTag, string.Join(",", jobIds));
        activity.SetTag("teefusion.batch.rows", rows);
        activity.SetTag("teefusion.bucket", $"{group.Width}x{group.Height}");
        activity.SetTag("teefusion.model", group.Pipeline.ModelId);
        activity.SetTag("teefusion.sampler", group.Sampler.Name);
        return activity;
    }

    private static TagList Tags(string model, string sampler) =>
        new() { { ServiceTelemetry.ModelTag, model }, { ServiceTelemetry.SamplerTag, sampler } };

    /// <summary>A span for one phase of one job (decode, encode_image).</summary>
    public Activity? PhaseActivity(string phase, string jobId) =>
        ServiceTelemetry.ActivitySource.StartActivity(phase)?.SetTag(ServiceTelemetry.JobIdTag, jobId);
}
