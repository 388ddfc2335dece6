using System.Diagnostics;
using System.Text.Json;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// Benchmarks one service process serving a TeEFusion student and its guided teacher at once (issue 16): per concurrency,
/// both models under load at the same time (c clients per model), and each model alone for reference; per model p50/p95
/// latency and images/s, and the student ÷ teacher latency ratio. Loopback only; every loop is bounded in count and time.
/// </summary>
public static class ServiceModelsBench
{
    /// <summary>The issue's target for the student ÷ teacher p50 latency with both models served at once.</summary>
    public const double RatioTarget = 0.55;

    /// <summary>The cell kinds: both models' clients at once, or one model's clients with the other model idle.</summary>
    public const string Together = "together";
    public const string Alone = "alone";

    /// <summary>Runs every cell of <paramref name="settings"/>; <paramref name="log"/> receives one line per finished cell.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    /// <exception cref="InvalidOperationException">The service did not start, does not serve both models, or a warm-up request failed.</exception>
    public static async Task<ServiceModelsBenchReport> RunAsync(ServiceModelsBenchSettings settings, Action<string>? log = null, CancellationToken cancel = default)
    {
        settings.Validate();
        var s = settings with { ServiceDll = Path.GetFullPath(settings.ServiceDll) };
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
        {
            Timeout = TimeSpan.FromSeconds(s.CellSeconds + 30),
        };
        // Both models' clients at the highest concurrency, so that the queue never refuses one.
        using var service = await ServiceBench.StartAsync(s, folder: null, 2 * s.Concurrency.Max(), log, cancel);
        var served = await ServedAsync(client, service.Address, s, cancel);
        var loads = new Dictionary<string, ServiceLoad>
        {
            [s.StudentModel] = new(client, [service.Address], s.Prompt, s.Width, s.Height, s.Steps, s.Guidance, s.StudentModel, s.StudentSampler),
            [s.TeacherModel] = new(client, [service.Address], s.Prompt, s.Width, s.Height, s.Steps, s.Guidance, s.TeacherModel, s.TeacherSampler),
        };
        if (s.Warmup > 0)
        {
            var warmup = await MixedLoad.RunAsync(loads.Values.ToList(), s.Warmup, s.Warmup, TimeSpan.FromSeconds(s.CellSeconds), s.Seed, cancel);
            if (warmup.FirstOrDefault(r => r.FirstFailure is not null) is { } failed) throw new InvalidOperationException($"A warm-up request failed: {failed.FirstFailure}");
        }
        var rssAfterWarmup = service.ResidentMib();
        log?.Invoke($"warm-up: {s.Warmup} request(s) per model at once; service RSS {rssAfterWarmup:F0} MiB");

        var runs = new Dictionary<(string Kind, int Concurrency, string Model), List<LoadRun>>();
        var turn = 0;
        for (var round = 0; round < s.Rounds; round++)
        {
            foreach (var concurrency in round % 2 == 0 ? s.Concurrency : s.Concurrency.Reverse())
            {
                // Which cell goes first alternates, so that a slow spell does not always land on the same one.
                var cells = Cells(s);
                if (turn++ % 2 == 1) cells.Reverse();
                foreach (var (kind, models) in cells)
                {
                    var results = await MixedLoad.RunAsync(models.Select(m => loads[m]).ToList(), s.Requests, concurrency,
                        TimeSpan.FromSeconds(s.CellSeconds), s.Seed + 1000, cancel);
                    for (var k = 0; k < models.Count; k++)
                    {
                        var key = (kind, concurrency, models[k]);
                        if (!runs.TryGetValue(key, out var list)) runs[key] = list = [];
                        list.Add(results[k]);
                    }
                    log?.Invoke($"round {round + 1}, {kind}, concurrency {concurrency}: " + string.Join("; ", models.Zip(results,
                        (m, r) => $"{m} {r.Succeeded}/{r.Sent} ok in {r.Seconds:F1} s, p50 {r.Percentile(50):F0} ms")));
                }
            }
        }

        var rows = runs.OrderBy(r => s.Concurrency.ToList().IndexOf(r.Key.Concurrency)).ThenBy(r => r.Key.Kind != Together).ThenBy(r => r.Key.Model != s.StudentModel)
            .Select(r => Row(r.Key.Kind, r.Key.Concurrency, r.Key.Model, r.Key.Model == s.StudentModel ? s.StudentSampler : s.TeacherSampler, r.Value))
            .ToList();
        var ratios = Ratios(rows, s);
        foreach (var r in ratios) log?.Invoke($"{r.Cell}, concurrency {r.Concurrency}: student ÷ teacher p50 {r.P50Ratio:F2}, p95 {r.P95Ratio:F2}");
        return new ServiceModelsBenchReport("service-models", started, clock.Elapsed.TotalSeconds, MachineInfo.Current("cpu"), s, served, rssAfterWarmup,
            service.ResidentMib(), rows, ratios);
    }

    // The cells at one concurrency: the target first, then (for reference) each model alone.
    private static List<(string Kind, IReadOnlyList<string> Models)> Cells(ServiceModelsBenchSettings s) => s.Alone
        ? [(Together, [s.StudentModel, s.TeacherModel]), (Alone, [s.StudentModel]), (Alone, [s.TeacherModel])]
        : [(Together, [s.StudentModel, s.TeacherModel])];

    // One row per cell kind, concurrency and model, over every round: the rounds' requests, latencies and seconds add up.
    private static ServiceModelRow Row(string kind, int concurrency, string model, string sampler, IReadOnlyList<LoadRun> rounds)
    {
        var all = LoadRun.Pool(rounds);
        return new ServiceModelRow(kind, concurrency, model, sampler, rounds.Count, all.Sent, all.Succeeded, all.Failed, all.Seconds,
            all.ImagesPerSecond, all.Percentile(50), all.Percentile(95), all.Percentile(99), all.MaxMs, all.FirstFailure);
    }

    // Student ÷ teacher per cell kind and concurrency; the target is judged on the together cells whose requests all succeeded.
    private static List<ServiceModelRatio> Ratios(IReadOnlyList<ServiceModelRow> rows, ServiceModelsBenchSettings s) =>
        rows.GroupBy(r => (r.Cell, r.Concurrency)).Select(g =>
        {
            var student = g.Single(r => r.Model == s.StudentModel);
            var teacher = g.Single(r => r.Model == s.TeacherModel);
            var p50 = student.P50Ms / teacher.P50Ms;
            var complete = student.Failed == 0 && teacher.Failed == 0;
            return new ServiceModelRatio(g.Key.Cell, g.Key.Concurrency, p50, student.P95Ms / teacher.P95Ms,
                g.Key.Cell == Together && complete && p50 is { } r ? r <= RatioTarget : null);
        }).ToList();

    // The ids, kinds and versions GET /v1/models lists; both models of the bench must be among them.
    private static async Task<IReadOnlyList<ServedModelFacts>> ServedAsync(HttpClient client, Uri service, ServiceModelsBenchSettings s, CancellationToken cancel)
    {
        using var json = JsonDocument.Parse(await client.GetStringAsync(new Uri(service, "/v1/models"), cancel));
        var served = json.RootElement.GetProperty("data").EnumerateArray().Select(m => new ServedModelFacts(m.GetProperty("id").GetString()!,
            m.TryGetProperty("kind", out var kind) ? kind.GetString() : null, m.TryGetProperty("version", out var version) ? version.GetString() : null)).ToList();
        foreach (var id in new[] { s.StudentModel, s.TeacherModel })
        {
            if (served.All(m => m.Id != id))
                throw new InvalidOperationException($"The service does not serve '{id}'; it serves {string.Join(", ", served.Select(m => m.Id))}.");
        }
        return served;
    }
}
