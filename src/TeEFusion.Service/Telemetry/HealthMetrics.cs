using System.Diagnostics.Metrics;
using TeEFusion.Service.Health;
using TeEFusion.Service.Models;

namespace TeEFusion.Service.Telemetry;

/// <summary>
/// What readiness reads, as gauges an alert can hold for a while: whether each served model can take work, and whether
/// the device's circuit breaker is open (repeated device faults; jobs fail at once until it closes).
/// </summary>
public sealed class HealthMetrics
{
    public HealthMetrics(IMeterFactory meters, ModelHost models, ServiceHealth health)
    {
        var meter = meters.Create(ServiceTelemetry.Name);
        // One series per configured model: the catalog bounds the label's values.
        meter.CreateObservableGauge("teefusion.model.ready",
            () => models.Models.Select(m => new Measurement<int>(m.State == ModelHostState.Ready ? 1 : 0,
                new KeyValuePair<string, object?>(ServiceTelemetry.ModelTag, m.Id))),
            null, "1 when the served model is loaded and takes work, 0 while it loads or after it failed.");
        meter.CreateObservableGauge("teefusion.worker.circuit_open", () => health.WorkerStatus == WorkerStatus.CircuitOpen ? 1 : 0,
            null, "1 while the device's circuit breaker is open after repeated device faults.");
    }
}
