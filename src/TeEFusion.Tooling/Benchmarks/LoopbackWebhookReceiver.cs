using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// The benchmark's webhook receiver (HttpListener on 127.0.0.1): /fast/ answers 204 at once and records when each job's
/// delivery arrived; /slow/ holds every request for a while, so deliveries pile up in the service's outbox.
/// </summary>
internal sealed class LoopbackWebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly TimeSpan _hold;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<(DateTimeOffset Arrived, DateTimeOffset Finished)>> _arrivals = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _release = new();

    public LoopbackWebhookReceiver(TimeSpan hold)
    {
        _hold = hold;
        Base = $"http://127.0.0.1:{ServiceProcess.FreePort()}/";
        _listener.Prefixes.Add(Base);
        _listener.Start();
        _ = Task.Run(AcceptLoopAsync);
    }

    public string Base { get; }

    public string FastUrl => Base + "fast/";

    public string SlowUrl => Base + "slow/";

    /// <summary>Completes when job <paramref name="jobId"/>'s delivery reached /fast/: when it arrived, and the job's finished_at.</summary>
    public Task<(DateTimeOffset Arrived, DateTimeOffset Finished)> ArrivalAsync(string jobId) => Arrival(jobId).Task;

    /// <summary>Answers every held and later /slow/ request at once (204), so the outbox empties.</summary>
    public void ReleaseSlow() => _release.Cancel();

    public void Dispose()
    {
        _stop.Cancel();
        _release.Dispose();
        _listener.Close();
        _stop.Dispose();
    }

    private async Task HoldAsync()
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, _release.Token);
        try
        {
            await Task.Delay(_hold, either.Token);
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            // Released: answer now.
        }
    }

    private TaskCompletionSource<(DateTimeOffset, DateTimeOffset)> Arrival(string jobId) =>
        _arrivals.GetOrAdd(jobId, _ => new TaskCompletionSource<(DateTimeOffset, DateTimeOffset)>(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var arrived = DateTimeOffset.UtcNow;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.InputStream);
            if (context.Request.Url!.AbsolutePath.StartsWith("/slow/", StringComparison.Ordinal)) await HoldAsync();
            else
            {
                var job = body.RootElement;
                Arrival(job.GetProperty("id").GetString()!).TrySetResult((arrived, job.GetProperty("finished_at").GetDateTimeOffset()));
            }
            context.Response.StatusCode = 204;
            context.Response.Close();
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // The benchmark is over; the service gets no answer.
        }
    }
}
