using TeEFusion.Service.Models;
using TeEFusion.Service.Tests.Fixtures;
using TeEFusion.Service.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace TeEFusion.Service.Tests.Streaming;

/// <summary>
/// The service on a real Kestrel socket (not TestServer) over the tiny model, shared by a test class: streaming and
/// disconnects then go through a real HTTP connection.
/// </summary>
public sealed class KestrelService : IDisposable
{
    public KestrelService()
    {
        Factory = ServiceFactory.For(Model);
        Factory.UseKestrel(0);
        Factory.StartServer();
        // A plain client on the socket: the factory's own adds test handlers (redirects, cookies) a real client lacks.
        Client = new HttpClient { BaseAddress = Factory.CreateClient().BaseAddress };
        Assert.Equal(ModelHostState.Ready, Factory.WaitForModelAsync().GetAwaiter().GetResult());
    }

    public TinyModelFolder Model { get; } = new();

    public ServiceFactory Factory { get; }

    public HttpClient Client { get; }

    public DeviceFaultHook Faults => Factory.Services.GetRequiredService<DeviceFaultHook>();

    public void Dispose()
    {
        Client.Dispose();
        Factory.Dispose();
        Model.Dispose();
    }
}
