using System.Diagnostics;
using System.Diagnostics.Metrics;
using TeEFusion.Service.Jobs;

namespace TeEFusion.Service.Telemetry;

/// <summary>
/// Job latency as a client sees it: submission to the final state, whatever the final state is, by model, sampler and
/// outcome (succeeded, failed, canceled). The device worker hands over every job it takes off its queue, so each job is
/// timed once, on the replica that ran it (with the Redis provider, the replica that claimed it).
/// </summary>
public sealed class JobDurations
{
    /// <summary>Tag on the duration: the job's final state (succeeded, failed, canceled).</summary>
    public const string OutcomeTag = "outcome";

    private readonly Histogram<double> _duration;

    public JobDurations(IMeterFactory meters)
    {
        // Seconds, not the step metrics' milliseconds: a job takes seconds to minutes, and the default millisecond
        // buckets stop at 10 s.
        _duration = meters.Create(ServiceTelemetry.Name).CreateHistogram<double>("teefusion.job.duration", "s",
            "Time from a job's submission to its final state.",
            advice: new() { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800] });
    }

    /// <summary>Records <paramref name="job"/>'s duration when it ends (at once when it already has).</summary>
    public void Watch(Job job) => job.Completion.ContinueWith(_ => Record(job), CancellationToken.None,
        TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private void Record(Job job)
    {
        if (job.FinishedAt is not { } finished) return;
        _duration.Record((finished - job.CreatedAt).TotalSeconds, new TagList
        {
            { ServiceTelemetry.ModelTag, job.ModelId ?? job.Spec.Model },
            { ServiceTelemetry.SamplerTag, job.Spec.Request.Sampler.Name },
            { OutcomeTag, job.State.ToString().ToLowerInvariant() },
        });
    }
}
