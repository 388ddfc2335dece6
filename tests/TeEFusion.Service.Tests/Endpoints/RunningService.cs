using TeEFusion.Service.Models;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Endpoints;

/// <summary>
/// The tiny model folder and one service over it with default settings, shared by a test class; given a
/// <see cref="RedisServer"/>, the service keeps its jobs there (and the server is disposed with it).
/// </summary>
public class RunningService : IDisposable
{
    public RunningService() : this(null)
    {
    }

    protected RunningService(RedisServer? redis)
    {
        Redis = redis;
        Factory = new ServiceFactory(Model.Path, redis?.ReplicaSettings("contract").ToDictionary(s => s.Key, s => s.Value));
        Client = Factory.CreateClient();
        Assert.Equal(ModelHostState.Ready, Factory.WaitForModelAsync().GetAwaiter().GetResult());
    }

    public TinyModelFolder Model { get; } = new();

    public RedisServer? Redis { get; }

    public ServiceFactory Factory { get; }

    public HttpClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        Factory.Dispose();
        Model.Dispose();
        Redis?.Dispose();
        GC.SuppressFinalize(this);
    }
}
