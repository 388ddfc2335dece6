using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using TeEFusion.Service.Jobs.Redis;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Jobs;

public static class JobStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers both job stores and serves <see cref="IJobStore"/> from the one Jobs:Provider names. The Redis parts are
    /// created only when used; the relay's hosted service does nothing for the in-process provider. Call before the device
    /// worker is registered: the relay must stop after the worker, to write back what the worker's drain did.
    /// </summary>
    public static IServiceCollection AddJobStores(this IServiceCollection services)
    {
        services.AddSingleton<InProcessJobStore>();
        services.AddSingleton<RedisConnection>();
        services.AddSingleton<RedisNotifications>();
        services.AddSingleton<RedisJobLeases>();
        services.AddSingleton<RedisJobStore>();
        services.AddSingleton<IJobStore>(provider => provider.GetRequiredService<IOptions<JobsOptions>>().Value.Provider == JobsProvider.Redis
            ? provider.GetRequiredService<RedisJobStore>()
            : provider.GetRequiredService<InProcessJobStore>());
        services.AddSingleton<RedisJobRelay>();
        services.AddHostedService(provider => provider.GetRequiredService<RedisJobRelay>());
        services.AddResiliencePipeline(RedisConnection.ResiliencePipelineName, (builder, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<RedisOptions>>().Value;
            if (options.Retries == 0) return;
            // Short, jittered retries ride out a failover or a dropped connection; a longer outage is the caller's 503.
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.Retries,
                Delay = TimeSpan.FromMilliseconds(100),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(RedisConnection.IsTransient),
            });
        });
        return services;
    }
}
