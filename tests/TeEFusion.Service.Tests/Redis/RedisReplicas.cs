using Microsoft.Extensions.DependencyInjection;
using TeEFusion.Service.Models;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Tests.Redis;

/// <summary>
/// The tiny model and one redis-server, shared by a test class; <see cref="StartAsync"/> starts a replica (a full
/// service host) on them. Replicas given the same prefix share their jobs, like replicas behind a load balancer.
/// </summary>
public sealed class RedisReplicas : IDisposable
{
    public TinyModelFolder Model { get; } = new();

    public RedisServer Redis { get; } = new();

    /// <summary>A started replica with its model loaded; with <paramref name="gate"/>, its worker holds inside every step until opened.</summary>
    public async Task<ServiceFactory> StartAsync(string prefix, StepGate? gate = null, int visibilityTimeoutSeconds = 30,
        params (string Key, string? Value)[] settings)
    {
        var factory = ServiceFactory.For(Model, [.. Redis.ReplicaSettings(prefix, visibilityTimeoutSeconds), .. settings]);
        gate?.Install(factory.Services.GetRequiredService<DeviceFaultHook>());
        Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());
        return factory;
    }

    /// <summary>A prefix no other test uses.</summary>
    public static string NewPrefix() => "test-" + Guid.NewGuid().ToString("N")[..12];

    public void Dispose()
    {
        Redis.Dispose();
        Model.Dispose();
    }
}
