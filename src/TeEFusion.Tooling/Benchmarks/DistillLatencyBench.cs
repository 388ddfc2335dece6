using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TeEFusion.Core.Distillation;
using TeEFusion.Tooling.RandomModels;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// Inference latency while a distillation run shares the device: one service, the same request sequence first with the
/// device to itself ("idle"), then while a run is active ("distilling"); the run's own iteration times come from
/// GET /admin/distillations/{id}. Loopback only; every loop is bounded in count and in time.
/// </summary>
public static class DistillLatencyBench
{
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    /// <exception cref="InvalidOperationException">The service did not start, the run did not start, or a request that must succeed failed.</exception>
    public static async Task<DistillLatencyBenchReport> RunAsync(DistillLatencyBenchSettings settings, Action<string>? log = null,
        CancellationToken cancel = default)
    {
        settings.Validate();
        settings = settings with { ServiceDll = Path.GetFullPath(settings.ServiceDll) };
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var folder = Directory.CreateTempSubdirectory("teefusion-bench-distill-").FullName;
        var adminKey = Guid.NewGuid().ToString("N");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(settings.PhaseSeconds + 30) };
        // The admin key is accepted on /v1 too; with no API keys configured /v1 would be open anyway.
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        try
        {
            var model = Path.Combine(folder, "model");
            // The served student carries its plain teacher (teacher/), as the bundled model does: runs distil from it.
            RandomModelWriter.Write(model, RandomModelPresets.Parse(settings.Preset), settings.Seed);
            RandomModelWriter.Write(Path.Combine(model, StudentModelFolder.TeacherFolder), RandomModelPresets.Parse(settings.Preset), settings.Seed,
                plain: true);
            var configuration = new Dictionary<string, string>
            {
                ["Model:Path"] = model,
                ["Auth:AdminKeys:0"] = adminKey,
                ["Distillation:CheckpointDirectory"] = Path.Combine(folder, "runs"),
                ["Distillation:MaxInferenceWaitMilliseconds"] = settings.BoundMilliseconds.ToString(CultureInfo.InvariantCulture),
                ["Logging:LogLevel:Default"] = "Warning",
            };
            using var service = await ServiceProcess.StartAsync(settings.ServiceDll, configuration, TimeSpan.FromSeconds(settings.StartSeconds), cancel);
            log?.Invoke($"service pid {service.Id} ready at {service.Address} (bound {settings.BoundMilliseconds} ms)");
            var load = new ServiceLoad(client, [service.Address], settings.Prompt, settings.Width, settings.Height, settings.Steps, settings.Guidance);
            for (var i = 0; i < settings.Warmup; i++) await load.SendAsync(i, cancel);

            var idle = await PhaseAsync("idle", load, settings, log, cancel);
            var runs = new Uri(service.Address, "/admin/distillations");
            var id = await StartRunAsync(client, runs, settings, cancel);
            var runUri = new Uri(runs + "/" + id);
            var before = await WaitForIterationAsync(client, runUri, settings, cancel);
            var distilling = await PhaseAsync("distilling", load, settings, log, cancel);
            var run = await GetAsync(client, runUri, cancel);
            (await client.DeleteAsync(runUri, cancel)).Dispose();
            var training = new DistillLatencyTraining(run.GetProperty("state").GetString()!, run.GetProperty("iteration").GetInt32() - before,
                run.GetProperty("iteration_ms").GetDouble(), run.GetProperty("slowest_iteration_ms").GetDouble(),
                run.GetProperty("error").ValueKind == JsonValueKind.String ? run.GetProperty("error").GetString() : null);
            log?.Invoke($"training during the phase: {training.Iterations} iterations, {training.IterationMs:F0} ms average, slowest {training.SlowestIterationMs:F0} ms, {training.State}");
            return new DistillLatencyBenchReport("distill-latency", started, clock.Elapsed.TotalSeconds, MachineInfo.Current("cpu"), settings,
                [idle, distilling], training);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // One client, one request at a time, with a seeded random pause before each.
    private static async Task<DistillLatencyRow> PhaseAsync(string phase, ServiceLoad load, DistillLatencyBenchSettings s, Action<string>? log,
        CancellationToken cancel)
    {
        var random = new Random((int)(s.Seed % int.MaxValue));
        var latencies = new List<double>();
        string? failure = null;
        var failed = 0;
        var clock = Stopwatch.StartNew();
        for (var k = 0; k < s.Requests && clock.Elapsed.TotalSeconds < s.PhaseSeconds; k++)
        {
            await Task.Delay(random.Next(0, 2 * s.GapMilliseconds + 1), cancel);
            try
            {
                latencies.Add(await load.SendAsync(s.Seed + 1000 + k, cancel));
            }
            catch (Exception error) when (error is InvalidOperationException or HttpRequestException or JsonException or KeyNotFoundException)
            {
                failed++;
                failure ??= $"request {k}: {error.Message}";
            }
        }
        latencies.Sort();
        var row = new DistillLatencyRow(phase, latencies.Count + failed, latencies.Count, failed, clock.Elapsed.TotalSeconds,
            ServiceBench.Percentile(latencies, 50), ServiceBench.Percentile(latencies, 95), ServiceBench.Percentile(latencies, 99),
            latencies.Count > 0 ? latencies[^1] : null, failure);
        log?.Invoke($"{phase}: {row.Succeeded}/{row.Sent} ok, p50 {row.P50Ms:F0} p95 {row.P95Ms:F0} p99 {row.P99Ms:F0} max {row.MaxMs:F0} ms");
        return row;
    }

    private static async Task<string> StartRunAsync(HttpClient client, Uri runs, DistillLatencyBenchSettings s, CancellationToken cancel)
    {
        var body = new Dictionary<string, object>
        {
            ["prompts"] = new[] { "a red cube on a table", "a cat on a mat", "blue sky over green hills", "an old oak tree" },
            ["sampler"] = s.DistillSampler,
            ["steps"] = s.DistillSteps,
            ["iterations"] = 100_000, // the service's default Distillation:MaxIterations: the run is canceled long before
            ["batch_size"] = s.DistillBatch,
            ["checkpoint_interval"] = 0,
            ["lr"] = 1e-5,
            ["seed"] = s.Seed,
        };
        using var response = await client.PostAsJsonAsync(runs, body, cancel);
        var text = await response.Content.ReadAsStringAsync(cancel);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST {runs.AbsolutePath} answered {(int)response.StatusCode}: {text[..Math.Min(text.Length, 300)]}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    // Waits until the run has done an iteration (the teacher is loaded and training really shares the device); returns it.
    private static async Task<int> WaitForIterationAsync(HttpClient client, Uri run, DistillLatencyBenchSettings s, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < s.StartSeconds)
        {
            var state = await GetAsync(client, run, cancel);
            if (state.GetProperty("iteration").GetInt32() >= 1) return state.GetProperty("iteration").GetInt32();
            if (state.GetProperty("state").GetString() is "failed" or "canceled")
                throw new InvalidOperationException($"The distillation run ended before its first iteration: {state}");
            await Task.Delay(200, cancel);
        }
        throw new InvalidOperationException($"The distillation run did no iteration in {s.StartSeconds} s.");
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, Uri run, CancellationToken cancel)
    {
        var text = await client.GetStringAsync(run, cancel);
        using var json = JsonDocument.Parse(text);
        return json.RootElement.Clone();
    }
}
