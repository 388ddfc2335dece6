using System.Diagnostics;
using System.Diagnostics.Metrics;
using TeEFusion.Service.Jobs;

namespace TeEFusion.Service.Telemetry;

/// <summary>
/// The service's own traces and metrics: an ActivitySource and a Meter both named <see cref="Name"/>, with the
/// instruments the worker records. Prometheus names them with underscores and unit suffixes
/// (e.g. teefusion_worker_step_duration_milliseconds).
/// </summary>
public sealed class ServiceTelemetry
{
    public const string Name = "TeEFusion.Service";

    /// <summary>Tag on <see cref="Failures"/>: why a job failed (e.g. timeout, device_oom, invalid, canceled, internal).</summary>
    public const string CauseTag = "cause";

    /// <summary>Tag on the step and image metrics: the served model's id.</summary>
    public const string ModelTag = "model";

    /// <summary>Tag on the step and image metrics: the sampler (student, euler-cfg, z-sampling, w2sd).</summary>
    public const string SamplerTag = "sampler";

    /// <summary>Tag carrying the job id on spans.</summary>
    public const string JobIdTag = "teefusion.job_id";

    public ServiceTelemetry(IMeterFactory meters, IJobStore jobs)
    {
        // The factory owns the meter and disposes it with the container.
        var meter = meters.Create(Name);
        meter.CreateObservableGauge("teefusion.queue.depth", () => jobs.QueueDepth, "{job}",
            "Jobs waiting in the queue.");
        BatchSize = meter.CreateHistogram<int>("teefusion.worker.batch_size", "{job}",
            "Jobs advanced together in one denoising step.", advice: new() { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64] });
        StepDuration = meter.CreateHistogram<double>("teefusion.worker.step_duration", "ms",
            "Wall time of one batched denoising step.");
        QueueWait = meter.CreateHistogram<double>("teefusion.queue.wait_time", "ms",
            "Time a job waited in the queue before its first step.");
        ImagesGenerated = meter.CreateCounter<long>("teefusion.images.generated", "{image}", "Images delivered.");
        Failures = meter.CreateCounter<long>("teefusion.jobs.failures", "{job}", $"Jobs that did not succeed, by '{CauseTag}'.");
    }

    /// <summary>Spans for enqueue, batch step, decode and encode; tag them with <see cref="JobIdTag"/>.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    public Histogram<int> BatchSize { get; }

    public Histogram<double> StepDuration { get; }

    public Histogram<double> QueueWait { get; }

    public Counter<long> ImagesGenerated { get; }

    public Counter<long> Failures { get; }

    /// <summary>Counts one failed job under <paramref name="cause"/>.</summary>
    public void RecordFailure(string cause) => Failures.Add(1, new KeyValuePair<string, object?>(CauseTag, cause));
}
