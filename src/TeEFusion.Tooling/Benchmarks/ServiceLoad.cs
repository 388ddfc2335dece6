using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// The body of POST /v1/images/generations (snake_case through <see cref="BenchFiles.Json"/>). Without a model and a
/// sampler the service runs its default model with that model's default sampler.
/// </summary>
internal sealed record ImageRequestBody(string Prompt, int N, string Size, string ResponseFormat, long Seed, int Steps, double GuidanceScale)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Model { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sampler { get; init; }
}

/// <summary>What one closed-loop load run measured: latencies of the requests that succeeded, in ms.</summary>
internal sealed record LoadRun(int Sent, int Succeeded, int Failed, double Seconds, IReadOnlyList<double> LatenciesMs, string? FirstFailure)
{
    /// <summary>Several runs of one cell (rounds) as one: their requests, latencies and seconds add up.</summary>
    public static LoadRun Pool(IReadOnlyList<LoadRun> rounds) => new(rounds.Sum(r => r.Sent), rounds.Sum(r => r.Succeeded), rounds.Sum(r => r.Failed),
        rounds.Sum(r => r.Seconds), rounds.SelectMany(r => r.LatenciesMs).Order().ToList(), rounds.Select(r => r.FirstFailure).FirstOrDefault(f => f is not null));

    public double ImagesPerSecond => Succeeded / Seconds;

    public double? Percentile(int p) => ServiceBench.Percentile(LatenciesMs, p);

    public double? MaxMs => LatenciesMs.Count > 0 ? LatenciesMs[^1] : null;
}

/// <summary>
/// A closed-loop load generator: <c>concurrency</c> workers each send one synchronous generation request, wait for the
/// image, and send the next, until <c>count</c> requests were sent or the time limit passed (bounded in both). With
/// several services (replicas), the request with seed s goes to service s mod n: consecutive requests take turns. A
/// <paramref name="model"/> and <paramref name="sampler"/> go into every request when given.
/// </summary>
internal sealed class ServiceLoad(HttpClient client, IReadOnlyList<Uri> services, string prompt, int width, int height, int steps, double guidance,
    string? model = null, string? sampler = null)
{
    private const string Route = "/v1/images/generations";

    /// <summary>Sends one request and checks the answer holds one base64 image; returns its latency in ms.</summary>
    /// <exception cref="InvalidOperationException">The service answered anything but 200 with an image.</exception>
    public async Task<double> SendAsync(long seed, CancellationToken cancel = default)
    {
        var body = new ImageRequestBody(prompt, 1, $"{width}x{height}", "b64_json", seed, steps, guidance) { Model = model, Sampler = sampler };
        var clock = Stopwatch.StartNew();
        var service = services[(int)(Math.Abs(seed) % services.Count)];
        using var response = await client.PostAsJsonAsync(new Uri(service, Route), body, BenchFiles.Json, cancel);
        var text = await response.Content.ReadAsStringAsync(cancel);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{Route} answered {(int)response.StatusCode}: {text[..Math.Min(text.Length, 300)]}");
        using var json = JsonDocument.Parse(text);
        var image = json.RootElement.GetProperty("data")[0].GetProperty("b64_json").GetString();
        if (string.IsNullOrEmpty(image)) throw new InvalidOperationException($"{Route} answered 200 without b64_json.");
        return elapsed;
    }

    /// <summary>Runs the closed loop; request k uses seed <paramref name="firstSeed"/> + k.</summary>
    public async Task<LoadRun> RunAsync(int count, int concurrency, TimeSpan limit, long firstSeed, CancellationToken cancel = default)
    {
        var latencies = new ConcurrentBag<double>();
        var failures = new ConcurrentQueue<string>();
        var next = -1;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(limit);
        var clock = Stopwatch.StartNew();
        async Task Worker()
        {
            int k;
            while (!deadline.IsCancellationRequested && (k = Interlocked.Increment(ref next)) < count)
            {
                var (ms, failure) = await TrySendAsync(k, firstSeed + k, limit, deadline.Token);
                if (ms is { } latency) latencies.Add(latency);
                else failures.Enqueue(failure!);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker)));
        cancel.ThrowIfCancellationRequested();
        var seconds = clock.Elapsed.TotalSeconds;
        return new LoadRun(latencies.Count + failures.Count, latencies.Count, failures.Count, seconds, latencies.Order().ToArray(), failures.TryPeek(out var first) ? first : null);
    }

    /// <summary>
    /// Sends request <paramref name="k"/> of a loop: its latency in ms, or why it failed (an error answer, or still running
    /// when <paramref name="deadline"/> ended the loop after <paramref name="limit"/>).
    /// </summary>
    internal async Task<(double? Ms, string? Failure)> TrySendAsync(int k, long seed, TimeSpan limit, CancellationToken deadline)
    {
        try
        {
            return (await SendAsync(seed, deadline), null);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return (null, $"request {k} was still running when the {limit.TotalSeconds:F0} s limit passed");
        }
        catch (Exception error) when (error is InvalidOperationException or HttpRequestException or JsonException or KeyNotFoundException)
        {
            return (null, $"request {k}: {error.Message}");
        }
    }
}
