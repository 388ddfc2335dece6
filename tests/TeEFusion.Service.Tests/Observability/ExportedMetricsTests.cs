using System.Net;
using System.Net.Http.Headers;
using TeEFusion.Service.Tests.Admin;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;
using TeEFusion.Service.Tests.Webhooks;
using TeEFusion.Service.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace TeEFusion.Service.Tests.Observability;

/// <summary>
/// The dashboard and the alert rules against the real service: after a succeeded job, a failed job, refused requests and
/// a tiny distillation with an evaluation, every metric any of their queries reads is in a scrape of /metrics.
/// </summary>
[Collection(ProcessMetricsCollection.Name)]
public sealed class ExportedMetricsTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>
{
    [Fact]
    public async Task Every_dashboard_and_alert_query_reads_metrics_the_running_service_exports()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var factory = DistillationApi.Secured(model, [("Queue:Capacity", "5"), ("Batching:MaxBatchSize", "3"), .. WebhookApi.Settings()]);
        var admin = await DistillationApi.AdminClientAsync(factory);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DistillationApi.ApiKey);

        // A job that fails on the device (one fault stays below the circuit breaker's threshold), then one that succeeds.
        var faults = factory.Services.GetRequiredService<DeviceFaultHook>();
        faults.BeforeStep = _ => new InvalidOperationException("injected device fault");
        var failed = await JobApi.CreateJobAsync(client, JobApi.Body());
        await JobApi.WaitForStateAsync(client, failed.GetProperty("id").GetString()!, "failed");
        faults.BeforeStep = null;
        // It also delivers its end to a webhook receiver, for the delivery metrics.
        var succeeded = await JobApi.CreateJobAsync(client, WebhookApi.Body(receiver.Url));
        await JobApi.WaitForStateAsync(client, succeeded.GetProperty("id").GetString()!, "succeeded");
        await WebhookApi.WaitForDeliveriesAsync(client, succeeded.GetProperty("id").GetString()!, d => d.GetProperty("delivered").GetInt32() == 1);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/jobs/job_none")).StatusCode);
        // The distillation metrics exist only while the process has runs; one iteration with an evaluation before and after.
        var body = DistillationApi.Body(iterations: 1);
        body["eval_prompts"] = new[] { "a green tree" };
        var runId = (await DistillationApi.StartAsync(admin, body)).GetProperty("id").GetString()!;
        var run = await DistillationApi.WaitForStateAsync(admin, runId, "succeeded");
        var status = await JobApi.JsonAsync(await admin.GetAsync("/admin/status"));

        var scrape = MetricsScrape.Parse(await client.GetStringAsync("/metrics"));

        // The values say what happened.
        var id = TinyModelFolder.FolderName;
        Assert.Equal(1, scrape.Value("teefusion_job_duration_seconds_count", ("model", id), ("sampler", "student"), ("outcome", "failed")));
        Assert.Equal(1, scrape.Value("teefusion_job_duration_seconds_count", ("model", id), ("sampler", "student"), ("outcome", "succeeded")));
        Assert.Equal(1, scrape.Value("teefusion_jobs_failures_total", ("cause", "device_error")));
        Assert.Equal(5, scrape.Value("teefusion_queue_capacity"));
        Assert.Equal(3, scrape.Value("teefusion_worker_batch_capacity"));
        Assert.Equal(1, scrape.Value("teefusion_model_ready", ("model", id)));
        Assert.Equal(0, scrape.Value("teefusion_worker_circuit_open"));
        Assert.Equal(1, scrape.Value("teefusion_webhooks_deliveries_total", ("outcome", "delivered")));
        var served = status.GetProperty("models").EnumerateArray().Single();
        Assert.Equal(served.GetProperty("own_bytes").GetInt64(), scrape.Value("teefusion_model_memory_bytes", ("model", id), ("device", "cpu")));
        Assert.Equal(status.GetProperty("shared_components").EnumerateArray().Sum(c => c.GetProperty("bytes").GetInt64()),
            scrape.Value("teefusion_model_memory_bytes", ("model", "shared")));
        Assert.Equal(1, scrape.Value("teefusion_distillation_iteration", ("run", runId)));
        Assert.Equal(1, scrape.Value("teefusion_distillation_run_state", ("run", runId), ("state", "succeeded")));
        Assert.Equal(run.GetProperty("losses")[0].GetDouble(), scrape.Value("teefusion_distillation_loss", ("run", runId)));
        var evaluation = run.GetProperty("eval_history").EnumerateArray().Last();
        Assert.Equal(evaluation.GetProperty("image_psnr").GetDouble(), scrape.Value("teefusion_distillation_eval_psnr", ("run", runId)));
        Assert.Equal(evaluation.GetProperty("latent_mse").GetDouble(), scrape.Value("teefusion_distillation_eval_latent_mse", ("run", runId)));
        Assert.Equal(new double?[] { 1, 0, 0 },
            new[] { "succeeded", "failed", "canceled" }.Select(state => scrape.Value("teefusion_distillation_runs_ended_total", ("state", state))));

        var queries = MonitoringQueries.All();
        Assert.True(queries.Count >= 25, $"only {queries.Count} queries found");
        Assert.All(queries, q => Assert.True(q.Metrics.Count > 0, $"{q.Where} reads no metric"));
        var missing = queries.Select(q => (q.Where, Missing: scrape.Missing(q.Metrics))).Where(q => q.Missing.Count > 0)
            .Select(q => $"{q.Where}: {string.Join(", ", q.Missing)}").ToList();
        Assert.True(missing.Count == 0, "Not in the scrape:\n" + string.Join("\n", missing));
        // Every alert of the brief has a rule, and each instrument the service adds for the dashboard is on it.
        Assert.Equal(["TeEFusionCircuitOpen", "TeEFusionDistillationFailed", "TeEFusionHighErrorRatio", "TeEFusionJobFailureRatio",
            "TeEFusionJobLatencyHigh", "TeEFusionModelNotReady", "TeEFusionQueueNearCapacity"],
            queries.Where(q => q.Where.StartsWith("alert ", StringComparison.Ordinal)).Select(q => q.Where["alert ".Length..]).Order());
        var used = queries.SelectMany(q => q.Metrics).ToHashSet();
        var unused = scrape.SeriesNames.Where(n => n.StartsWith("teefusion_", StringComparison.Ordinal) && !Read(n, used)).ToList();
        Assert.True(unused.Count == 0, "The service exports, and nothing shows: " + string.Join(", ", unused));
    }

    // A histogram is read when any of its series is (a quantile reads _bucket, a mean _sum and _count).
    private static bool Read(string name, IReadOnlySet<string> used) =>
        used.Contains(name) || MetricsScrape.HistogramSuffixes.FirstOrDefault(name.EndsWith) is { } suffix &&
        MetricsScrape.HistogramSuffixes.Any(other => used.Contains(name[..^suffix.Length] + other));
}
