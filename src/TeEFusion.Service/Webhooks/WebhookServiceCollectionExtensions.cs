using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Webhooks;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Job webhooks: options (section "Webhooks", validated at start), the signer, the destination policy, the outbox of
    /// the configured job provider, the guarded HTTP client, the "webhooks" resilience pipeline, and the dispatcher. Call
    /// before the device worker is registered, so the dispatcher stops after it.
    /// </summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhooksOptions>().BindConfiguration(WebhooksOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhooksOptions>, WebhooksOptionsValidator>();
        services.AddSingleton(provider => new WebhookSigner(provider.GetRequiredService<IOptions<WebhooksOptions>>().Value.Secret));
        services.AddSingleton<WebhookDestinationPolicy>();
        services.AddSingleton<WebhookRequests>();
        services.AddSingleton<WebhookHostResolver>();
        services.AddSingleton<WebhookConnector>();
        services.AddSingleton<InMemoryWebhookOutbox>();
        services.AddSingleton<RedisWebhookOutbox>();
        services.AddSingleton<IWebhookOutbox>(provider => provider.GetRequiredService<IOptions<JobsOptions>>().Value.Provider == JobsProvider.Redis
            ? provider.GetRequiredService<RedisWebhookOutbox>()
            : provider.GetRequiredService<InMemoryWebhookOutbox>());
        services.AddSingleton<WebhookMetrics>();
        services.AddSingleton<WebhookListener>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<WebhookDispatcher>());
        // Polly's timeout, not HttpClient's: the pipeline's per-attempt timeout and deadline are the only clocks.
        services.AddHttpClient(WebhookSender.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => provider.GetRequiredService<WebhookConnector>().CreateHandler());
        services.AddResiliencePipeline<string, WebhookAttempt>(WebhookSender.ResiliencePipelineName, (builder, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<WebhooksOptions>>().Value;
            builder.AddTimeout(TimeSpan.FromSeconds(options.DeadlineSeconds));
            if (options.MaxAttempts > 1)
            {
                builder.AddRetry(new RetryStrategyOptions<WebhookAttempt>
                {
                    MaxRetryAttempts = options.MaxAttempts - 1,
                    Delay = TimeSpan.FromMilliseconds(options.FirstRetryDelayMilliseconds),
                    MaxDelay = TimeSpan.FromSeconds(options.MaxRetryDelaySeconds),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.Retry == true || args.Outcome.Exception is TimeoutRejectedException),
                });
            }
            builder.AddTimeout(TimeSpan.FromSeconds(options.AttemptTimeoutSeconds));
        });
        return services;
    }
}
