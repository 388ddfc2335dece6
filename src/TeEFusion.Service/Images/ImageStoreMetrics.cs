using System.Diagnostics.Metrics;
using TeEFusion.Service.Telemetry;

namespace TeEFusion.Service.Images;

/// <summary>
/// The image store's calls on the service's meter: teefusion_image_store_operations_total by operation (put, get,
/// sweep) and outcome (ok, error; one per call after its retries), and how long each took. A rising error count is the
/// store failing before the jobs do.
/// </summary>
public sealed class ImageStoreMetrics
{
    private readonly Counter<long> _operations;
    private readonly Histogram<double> _duration;

    public ImageStoreMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(ServiceTelemetry.Name);
        _operations = meter.CreateCounter<long>("teefusion.image_store.operations", "{operation}",
            "Image store calls (after their retries), by 'operation' and 'outcome'.");
        _duration = meter.CreateHistogram<double>("teefusion.image_store.duration", "ms",
            "Wall time of an image store call, retries included, by 'operation'.");
    }

    public void Record(string operation, bool ok, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("operation", operation);
        _operations.Add(1, tag, new KeyValuePair<string, object?>("outcome", ok ? "ok" : "error"));
        _duration.Record(elapsed.TotalMilliseconds, tag);
    }
}
