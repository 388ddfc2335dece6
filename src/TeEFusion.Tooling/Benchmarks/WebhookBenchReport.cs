using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>One step-time phase: <paramref name="Jobs"/> jobs one after another, the worker's mean step, the outbox before and after.</summary>
public sealed record WebhookStepRow(string Phase, int Jobs, int Steps, double MeanStepMs, int PendingBefore, int PendingAfter);

/// <summary>Everything a `bench webhooks` run measured, with the machine and the settings.</summary>
public sealed record WebhookBenchReport(
    string Benchmark,
    DateTimeOffset StartedUtc,
    double TotalSeconds,
    MachineInfo Machine,
    WebhookBenchSettings Settings,
    int Deliveries,
    double MeanLatencyMs,
    double? P50LatencyMs,
    double? P95LatencyMs,
    double MaxLatencyMs,
    IReadOnlyList<WebhookStepRow> StepRows) : IBenchReport
{
    public string ToJson() => JsonSerializer.Serialize(this, BenchFiles.Json);

    public string Save(string jsonPath) => BenchFiles.Save(jsonPath, ToJson(), ToMarkdown());

    public string ToMarkdown()
    {
        var s = Settings;
        var text = new StringBuilder();
        void Line(params FormattableString[] parts) => text.AppendLine(string.Concat(parts.Select(p => p.ToString(CultureInfo.InvariantCulture))));
        Line($"# Webhook benchmark ({Machine.Device})");
        text.AppendLine();
        Line($"- Measured {StartedUtc:yyyy-MM-dd HH:mm} UTC in {TotalSeconds:F0} s on: {Machine}.");
        Line($"- The real service (`{s.ServiceDll}`, in-process provider, default Webhooks settings) with preset {s.Preset} (random weights), ",
             $"{s.Width}×{s.Height}, {s.Steps} step(s), after {s.Warmup} untimed jobs; the receiver is an HttpListener on 127.0.0.1.");
        Line($"- Delivery latency: {s.Jobs} jobs one after another, each with a webhook (terminal events); the time from the job's `finished_at` ",
             $"(in the delivered body) to the request's arrival at the receiver. Same clock, same machine.");
        Line($"- Step time: the worker's own `teefusion_worker_step_duration` histogram over {s.StepJobs} jobs without a webhook, first with no ",
             $"deliveries pending, then after {s.Pending} jobs whose deliveries go to a receiver that holds each request {s.SlowSeconds} s ",
             $"(Webhooks:Concurrency requests in flight, the rest waiting in the outbox), then again once the receiver let them all through.");
        if (Machine.Device.StartsWith("cpu", StringComparison.Ordinal))
            text.AppendLine("- **Noise:** numbers from a shared machine are not results; run it on an idle one and compare rows of one run.");
        text.AppendLine();
        Line($"Delivery latency after the job ended ({Deliveries} deliveries): p50 **{P50LatencyMs:F1} ms**, p95 **{P95LatencyMs:F1} ms**, ",
             $"mean {MeanLatencyMs:F1} ms, max {MaxLatencyMs:F1} ms.");
        text.AppendLine();
        text.AppendLine("| phase | jobs | steps | mean step ms | pending before | pending after |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var r in StepRows) Line($"| {r.Phase} | {r.Jobs} | {r.Steps} | {r.MeanStepMs:F2} | {r.PendingBefore} | {r.PendingAfter} |");
        if (StepRows is [var without, var with, var again] && without.MeanStepMs > 0 && again.MeanStepMs > 0)
        {
            text.AppendLine();
            Line($"Step time with the pending deliveries ÷ the mean of the phases without (before and after): ",
                 $"**{with.MeanStepMs / ((without.MeanStepMs + again.MeanStepMs) / 2):F2}×**.");
        }
        return text.ToString();
    }
}
