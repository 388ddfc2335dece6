using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TeEFusion.Service.Tests.Webhooks;

/// <summary>What a receiver got: the Standard Webhooks headers, the raw body, the path, and when.</summary>
public sealed record ReceivedWebhook(string Path, HeaderDictionary Headers, string Body, DateTimeOffset At)
{
    public string Id => Headers["webhook-id"].ToString();

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>The job state in the body.</summary>
    public string State => Json.GetProperty("state").GetString()!;
}

/// <summary>
/// A real HTTP receiver on loopback (Kestrel on 127.0.0.1, a free port). <c>respond</c> answers request n (0-based) and
/// may hold, fail or redirect it; by default every request gets 204.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private int _count;

    private WebhookReceiver(Func<HttpContext, int, Task>? respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value));
            var number = Interlocked.Increment(ref _count) - 1;
            _received.Enqueue(new ReceivedWebhook(context.Request.Path, headers, body, DateTimeOffset.UtcNow));
            _arrived.Release();
            if (respond is null) context.Response.StatusCode = StatusCodes.Status204NoContent;
            else await respond(context, number);
        });
    }

    /// <summary>The URL to give as a job's webhook.</summary>
    public string Url { get; private set; } = "";

    public int Port { get; private set; }

    public IReadOnlyList<ReceivedWebhook> Received => _received.ToList();

    public static async Task<WebhookReceiver> StartAsync(Func<HttpContext, int, Task>? respond = null)
    {
        var receiver = new WebhookReceiver(respond);
        await receiver._app.StartAsync();
        var address = new Uri(receiver._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        receiver.Port = address.Port;
        receiver.Url = $"http://127.0.0.1:{address.Port}/hook";
        return receiver;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived (30 s at most); returns them all.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(int count)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (_received.Count < count)
        {
            var left = deadline - DateTimeOffset.UtcNow;
            Assert.True(left > TimeSpan.Zero && await _arrived.WaitAsync(left), $"expected {count} webhook request(s), got {_received.Count}");
        }
        return Received;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
    }
}
