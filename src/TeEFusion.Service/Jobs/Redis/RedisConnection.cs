using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using StackExchange.Redis;
using TeEFusion.Service.Health;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Jobs.Redis;

/// <summary>
/// The replica's one multiplexed Redis connection. It is opened without failing when Redis is down (it keeps
/// reconnecting in the background, and readiness says so meanwhile); every command goes through the "redis" resilience
/// pipeline (retries on connection faults and timeouts), and what still fails becomes a
/// <see cref="JobStoreUnavailableException"/>, which requests answer with 503.
/// </summary>
public sealed class RedisConnection : IDisposable
{
    /// <summary>Name of the resilience pipeline every Redis command goes through.</summary>
    public const string ResiliencePipelineName = "redis";

    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger<RedisConnection> _logger;
    private readonly Lazy<ConnectionMultiplexer> _multiplexer;

    public RedisConnection(IOptions<RedisOptions> options, ResiliencePipelineProvider<string> resilience, ILogger<RedisConnection> logger)
    {
        var settings = options.Value;
        _pipeline = resilience.GetPipeline(ResiliencePipelineName);
        _logger = logger;
        Prefix = settings.KeyPrefix;
        // Parsed here only when set: the relay exists (idle) under the in-process provider too, which needs no string.
        var configuration = settings.ConnectionString.Length == 0 ? new ConfigurationOptions() : ConfigurationOptions.Parse(settings.ConnectionString);
        // Start (and keep trying) without Redis: a replica whose Redis is down must report it, not crash.
        configuration.AbortOnConnectFail = false;
        Endpoint = string.Join(",", configuration.EndPoints.Select(EndPointCollection.ToString));
        _multiplexer = new Lazy<ConnectionMultiplexer>(() => Connect(configuration));
    }

    /// <summary>Where Redis is (host:port), for messages; never the password.</summary>
    public string Endpoint { get; }

    /// <summary>The prefix of every key and channel.</summary>
    public string Prefix { get; }

    public bool IsConnected => _multiplexer.Value.IsConnected;

    public ISubscriber Subscriber => _multiplexer.Value.GetSubscriber();

    /// <summary>Readiness's view: available while the multiplexer has a live connection.</summary>
    public JobStoreCheck Check() => IsConnected
        ? new JobStoreCheck("redis", true, Endpoint)
        : new JobStoreCheck("redis", false, $"no connection to Redis at {Endpoint}; retrying in the background.");

    /// <summary>Runs a command with retries; throws <see cref="JobStoreUnavailableException"/> when Redis stays unreachable.</summary>
    public async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> command, CancellationToken cancellation)
    {
        var database = _multiplexer.Value.GetDatabase();
        try
        {
            return await _pipeline.ExecuteAsync(async _ => await command(database).ConfigureAwait(false), cancellation).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            throw new JobStoreUnavailableException($"Redis at {Endpoint} is unreachable: {ex.Message}", ex);
        }
    }

    /// <summary>The faults a retry may cure: a dropped or not yet (re)established connection, a command that timed out.</summary>
    public static bool IsTransient(Exception ex) => ex is RedisConnectionException or RedisTimeoutException;

    public void Dispose()
    {
        if (_multiplexer.IsValueCreated) _multiplexer.Value.Dispose();
    }

    private ConnectionMultiplexer Connect(ConfigurationOptions configuration)
    {
        var multiplexer = ConnectionMultiplexer.Connect(configuration);
        multiplexer.ConnectionFailed += (_, e) => _logger.LogWarning("Redis connection to {Endpoint} failed ({Type}): {Message}",
            e.EndPoint, e.FailureType, e.Exception?.Message);
        multiplexer.ConnectionRestored += (_, e) => _logger.LogInformation("Redis connection to {Endpoint} restored", e.EndPoint);
        if (!multiplexer.IsConnected) _logger.LogWarning("Redis at {Endpoint} is not reachable yet; retrying in the background", Endpoint);
        return multiplexer;
    }
}
