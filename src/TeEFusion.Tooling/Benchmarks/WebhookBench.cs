using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using TeEFusion.Tooling.RandomModels;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// Benchmarks job webhooks against the real service over loopback: how long after a job ends its (terminal) delivery
/// reaches the receiver, and whether deliveries that cannot get through (held by a slow receiver) slow the device
/// worker's steps. Step time is read from the service's own histogram (/metrics), so HTTP polling is not in it.
/// </summary>
public static class WebhookBench
{
    private const string StepSum = "teefusion_worker_step_duration_milliseconds_sum";
    private const string StepCount = "teefusion_worker_step_duration_milliseconds_count";
    private const string PendingGauge = "teefusion_webhooks_pending";

    /// <exception cref="InvalidOperationException">The service did not start, or a request that must succeed failed.</exception>
    public static async Task<WebhookBenchReport> RunAsync(WebhookBenchSettings settings, Action<string>? log = null, CancellationToken cancel = default)
    {
        settings.Validate();
        settings = settings with { ServiceDll = Path.GetFullPath(settings.ServiceDll) };
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var folder = Directory.CreateTempSubdirectory("teefusion-bench-webhooks-").FullName;
        using var receiver = new LoopbackWebhookReceiver(TimeSpan.FromSeconds(settings.SlowSeconds));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
        try
        {
            RandomModelWriter.Write(folder, RandomModelPresets.Parse(settings.Preset), settings.Seed);
            var configuration = new Dictionary<string, string>
            {
                ["Model:Path"] = folder,
                ["Queue:Capacity"] = (settings.Pending + 64).ToString(CultureInfo.InvariantCulture),
                ["Webhooks:Secret"] = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                ["Webhooks:AllowedNetworks:0"] = "127.0.0.0/8",
                ["Logging:LogLevel:Default"] = "Warning",
                // Every held delivery logs a warning when the service stops; that is expected here.
                ["Logging:LogLevel:TeEFusion.Service.Webhooks"] = "Error",
            };
            using var service = await ServiceProcess.StartAsync(settings.ServiceDll, configuration, TimeSpan.FromSeconds(settings.StartSeconds), cancel);
            client.BaseAddress = service.Address;
            for (var i = 0; i < settings.Warmup; i++) await RunJobAsync(client, settings, settings.Seed + i, webhook: null, cancel);

            var latencies = new List<double>();
            for (var i = 0; i < settings.Jobs; i++)
            {
                var id = await SubmitAsync(client, settings, settings.Seed + 100 + i, receiver.FastUrl, cancel);
                var (arrived, finished) = await receiver.ArrivalAsync(id).WaitAsync(TimeSpan.FromSeconds(60), cancel);
                latencies.Add((arrived - finished).TotalMilliseconds);
            }
            latencies.Sort();
            log?.Invoke($"delivery latency after the job ended: p50 {ServiceBench.Percentile(latencies, 50):F1} ms, p95 {ServiceBench.Percentile(latencies, 95):F1} ms");

            var without = await StepPhaseAsync(client, settings, "no pending deliveries", 1000, cancel);
            log?.Invoke($"step time without pending deliveries: {without.MeanStepMs:F2} ms");
            var held = new List<string>();
            for (var i = 0; i < settings.Pending; i++) held.Add(await SubmitAsync(client, settings, settings.Seed + 2000 + i, receiver.SlowUrl, cancel));
            foreach (var id in held) await WaitAsync(client, id, cancel);
            var with = await StepPhaseAsync(client, settings, $"{settings.Pending} pending deliveries (slow receiver)", 3000, cancel);
            log?.Invoke($"step time with {with.PendingBefore}–{with.PendingAfter} pending deliveries: {with.MeanStepMs:F2} ms");
            // The first phase again once the outbox is empty, so that drift on the machine shows as drift, not as an effect.
            receiver.ReleaseSlow();
            while ((await MetricsAsync(client, cancel)).GetValueOrDefault(PendingGauge) > 0) await Task.Delay(50, cancel);
            var again = await StepPhaseAsync(client, settings, "no pending deliveries, again", 5000, cancel);
            log?.Invoke($"step time without pending deliveries, again: {again.MeanStepMs:F2} ms");
            return new WebhookBenchReport("webhooks", started, clock.Elapsed.TotalSeconds, MachineInfo.Current("cpu"), settings,
                latencies.Count, latencies.Average(), ServiceBench.Percentile(latencies, 50), ServiceBench.Percentile(latencies, 95), latencies[^1],
                [without, with, again]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // StepJobs jobs one after another without a webhook; the worker's mean step over them, and the outbox before and after.
    private static async Task<WebhookStepRow> StepPhaseAsync(HttpClient client, WebhookBenchSettings s, string phase, long seed, CancellationToken cancel)
    {
        var before = await MetricsAsync(client, cancel);
        for (var i = 0; i < s.StepJobs; i++) await RunJobAsync(client, s, seed + i, webhook: null, cancel);
        var after = await MetricsAsync(client, cancel);
        var steps = after[StepCount] - before[StepCount];
        return new WebhookStepRow(phase, s.StepJobs, (int)steps, (after[StepSum] - before[StepSum]) / steps,
            (int)before.GetValueOrDefault(PendingGauge), (int)after.GetValueOrDefault(PendingGauge));
    }

    private static async Task RunJobAsync(HttpClient client, WebhookBenchSettings s, long seed, string? webhook, CancellationToken cancel) =>
        await WaitAsync(client, await SubmitAsync(client, s, seed, webhook, cancel), cancel);

    private static async Task<string> SubmitAsync(HttpClient client, WebhookBenchSettings s, long seed, string? webhook, CancellationToken cancel)
    {
        var body = new Dictionary<string, object?>
        {
            ["prompt"] = s.Prompt, ["size"] = $"{s.Width}x{s.Height}", ["steps"] = s.Steps, ["guidance_scale"] = s.Guidance, ["seed"] = seed,
        };
        if (webhook is not null) body["webhook"] = webhook;
        using var response = await client.PostAsJsonAsync("/v1/jobs", body, cancel);
        var text = await response.Content.ReadAsStringAsync(cancel);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /v1/jobs answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task WaitAsync(HttpClient client, string id, CancellationToken cancel)
    {
        while (true)
        {
            var job = JsonDocument.Parse(await client.GetStringAsync($"/v1/jobs/{id}", cancel)).RootElement;
            var state = job.GetProperty("state").GetString();
            if (state == "succeeded") return;
            if (state is "failed" or "canceled") throw new InvalidOperationException($"Job {id} ended {state}: {job}");
            await Task.Delay(5, cancel);
        }
    }

    // The service's Prometheus text, summed over labels, for the few series read here.
    private static async Task<Dictionary<string, double>> MetricsAsync(HttpClient client, CancellationToken cancel)
    {
        var totals = new Dictionary<string, double> { [StepSum] = 0, [StepCount] = 0 };
        foreach (var line in (await client.GetStringAsync("/metrics", cancel)).Split('\n'))
        {
            var name = line.Split('{', ' ')[0];
            if (name is not (StepSum or StepCount or PendingGauge)) continue;
            // name{labels} value [timestamp]: the value is the first field after the labels.
            var rest = line.Contains('}') ? line[(line.LastIndexOf('}') + 1)..] : line[name.Length..];
            totals[name] = totals.GetValueOrDefault(name) + double.Parse(rest.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
        }
        return totals;
    }
}
