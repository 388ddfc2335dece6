using System.Diagnostics.Metrics;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Telemetry;

/// <summary>
/// The limits the load metrics are measured against, so that a dashboard and an alert can say "near capacity" as a ratio
/// whatever the configuration: queue places (teefusion_queue_depth ÷ teefusion_queue_capacity) and images a batched step
/// can hold (the mean of teefusion_worker_batch_size ÷ teefusion_worker_batch_capacity is the batch fill).
/// </summary>
public sealed class CapacityMetrics
{
    public CapacityMetrics(IMeterFactory meters, IJobStore jobs, BatchEngineFactory engines)
    {
        var meter = meters.Create(ServiceTelemetry.Name);
        meter.CreateObservableGauge("teefusion.queue.capacity", () => jobs.Capacity, "{job}",
            "Queue places (Queue:Capacity); one more submission is refused with 429.");
        meter.CreateObservableGauge("teefusion.worker.batch_capacity", () => engines.MaxBatchSize, "{image}",
            "Images one batched step advances at most (Batching:MaxBatchSize, 1 with batching off).");
    }
}
