using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using TeEFusion.Core.Imaging;
using TeEFusion.Service.Tests.Endpoints;

namespace TeEFusion.Service.Tests.Admin;

/// <summary>
/// Clients that keep asking one model for images until stopped, each sending its next request as soon as the last one
/// ended, and alternating POST /v1/images/generations with POST /v1/jobs (then polling the job and fetching its PNG) so
/// that both routes are always in flight. Every request sent is counted, and recorded when it ends: one with no PNG at the
/// end is failed, one that never ends is lost (<see cref="StopAsync"/> tells them apart).
/// </summary>
public sealed class ContinuousLoad
{
    public const string ImagesRoute = "/v1/images/generations";
    public const string JobsRoute = "/v1/jobs";

    private static readonly string[] FinalStates = ["succeeded", "failed", "canceled"];

    private readonly HttpClient _client;
    private readonly string _model;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<LoadRequest> _ended = new();
    private readonly Task[] _clients;
    private int _sent;

    private ContinuousLoad(HttpClient client, string model, int clients)
    {
        _client = client;
        _model = model;
        _clients = Enumerable.Range(0, clients).Select(i => Task.Run(() => RunClientAsync(i))).ToArray();
    }

    /// <summary>Starts <paramref name="clients"/> clients on <paramref name="model"/> through <paramref name="client"/>.</summary>
    public static ContinuousLoad Start(HttpClient client, string model, int clients) => new(client, model, clients);

    /// <summary>Time since the load started, on the clock <see cref="LoadRequest"/> times are taken on.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Requests that ended with their PNG so far.</summary>
    public int Succeeded => _ended.Count(r => r.Failure is null);

    /// <summary>Waits until <paramref name="count"/> requests in all succeeded; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitForSucceededAsync(int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (Succeeded < count)
        {
            if (clock.Elapsed > timeout) return false;
            await Task.Delay(50);
        }
        return true;
    }

    /// <summary>
    /// Sends no new request and waits up to <paramref name="patience"/> for those in flight to end; returns how many were
    /// sent and every one that ended.
    /// </summary>
    public async Task<(int Sent, IReadOnlyList<LoadRequest> Ended)> StopAsync(TimeSpan patience)
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_clients).WaitAsync(patience);
        }
        catch (TimeoutException)
        {
            // What is still in flight now is reported as lost: sent, never ended.
        }
        return (Volatile.Read(ref _sent), _ended.ToList());
    }

    private async Task RunClientAsync(int client)
    {
        for (var k = 0; !_stop.IsCancellationRequested; k++)
        {
            var route = (client + k) % 2 == 0 ? ImagesRoute : JobsRoute;
            var body = new Dictionary<string, object>
            {
                ["model"] = _model, ["prompt"] = $"a small red circle, client {client}, request {k}", ["seed"] = client * 1000 + k,
                ["steps"] = 2, ["size"] = "32x32",
            };
            var sentAt = Now;
            Interlocked.Increment(ref _sent);
            ImageProvenance? image = null;
            string? failure;
            try
            {
                (image, failure) = route == ImagesRoute ? await GenerateAsync(body) : await RunJobAsync(body);
            }
            catch (Exception e)
            {
                failure = $"{e.GetType().Name}: {e.Message}";
            }
            _ended.Enqueue(new LoadRequest(route, sentAt, Now, image, failure));
        }
    }

    private async Task<(ImageProvenance?, string?)> GenerateAsync(Dictionary<string, object> body)
    {
        var response = await _client.PostAsJsonAsync(ImagesRoute, body);
        if (response.StatusCode != HttpStatusCode.OK) return (null, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var b64 = (await JobApi.JsonAsync(response)).GetProperty("data")[0].GetProperty("b64_json").GetString()!;
        return (PngProvenance.Read(Convert.FromBase64String(b64)), null);
    }

    private async Task<(ImageProvenance?, string?)> RunJobAsync(Dictionary<string, object> body)
    {
        var created = await _client.PostAsJsonAsync(JobsRoute, body);
        if (created.StatusCode != HttpStatusCode.Accepted) return (null, $"{(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        var id = (await JobApi.JsonAsync(created)).GetProperty("id").GetString()!;
        var job = await JobApi.GetJobAsync(_client, id);
        while (!FinalStates.Contains(job.GetProperty("state").GetString()))
        {
            await Task.Delay(20);
            job = await JobApi.GetJobAsync(_client, id);
        }
        if (job.GetProperty("state").GetString() != "succeeded") return (null, $"job {id}: {job}");
        return (PngProvenance.Read(await _client.GetByteArrayAsync(job.GetProperty("images")[0].GetString()!)), null);
    }
}

/// <summary>One request of a <see cref="ContinuousLoad"/>: its route, when it was sent and ended, and its PNG's provenance or why it has none.</summary>
public sealed record LoadRequest(string Route, TimeSpan SentAt, TimeSpan EndedAt, ImageProvenance? Image, string? Failure);
