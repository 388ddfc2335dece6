using TeEFusion.Service.Models;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Endpoints;

/// <summary>The tiny model folder and one service over it with default settings, shared by a test class.</summary>
public sealed class RunningService : IDisposable
{
    public RunningService()
    {
        Factory = new ServiceFactory(Model.Path);
        Client = Factory.CreateClient();
        Assert.Equal(ModelHostState.Ready, Factory.WaitForModelAsync().GetAwaiter().GetResult());
    }

    public TinyModelFolder Model { get; } = new();

    public ServiceFactory Factory { get; }

    public HttpClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        Factory.Dispose();
        Model.Dispose();
    }
}
