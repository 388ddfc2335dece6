using System.Diagnostics.Metrics;
using TeEFusion.Service.Telemetry;

namespace TeEFusion.Service.Webhooks;

/// <summary>
/// Webhook instruments on the service's meter (<see cref="ServiceTelemetry.Name"/>): deliveries by outcome, the latency
/// from the job event to the receiver's 2xx, and the deliveries pending. Prometheus: teefusion_webhooks_deliveries_total,
/// teefusion_webhooks_delivery_latency_seconds, teefusion_webhooks_pending.
/// </summary>
public sealed class WebhookMetrics
{
    /// <summary>Tag on deliveries: delivered, failed, gone (410) or dropped (the event buffer was full, or the outbox unreachable).</summary>
    public const string OutcomeTag = "outcome";

    private readonly Counter<long> _deliveries;
    private readonly Histogram<double> _latency;

    public WebhookMetrics(IMeterFactory meters, IWebhookOutbox outbox)
    {
        // The factory hands back the service's one meter of that name.
        var meter = meters.Create(ServiceTelemetry.Name);
        _deliveries = meter.CreateCounter<long>("teefusion.webhooks.deliveries", "{delivery}",
            $"Webhook deliveries that ended, by '{OutcomeTag}'.");
        _latency = meter.CreateHistogram<double>("teefusion.webhooks.delivery_latency", "s",
            "From the job event to the receiver's 2xx answer, retries included.",
            advice: new() { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600] });
        meter.CreateObservableGauge("teefusion.webhooks.pending", () => outbox.Pending, "{delivery}",
            "Webhook deliveries waiting or in flight.");
    }

    public void Ended(WebhookOutcome outcome, TimeSpan sinceEvent)
    {
        _deliveries.Add(1, new KeyValuePair<string, object?>(OutcomeTag, outcome.ToString().ToLowerInvariant()));
        if (outcome == WebhookOutcome.Delivered) _latency.Record(sinceEvent.TotalSeconds);
    }

    public void Dropped() => _deliveries.Add(1, new KeyValuePair<string, object?>(OutcomeTag, "dropped"));
}
