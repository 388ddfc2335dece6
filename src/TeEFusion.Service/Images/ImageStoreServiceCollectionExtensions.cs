using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using Polly.Retry;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Images;

public static class ImageStoreServiceCollectionExtensions
{
    /// <summary>The resilience pipeline every put and read of the image store runs through: retries, and a limit per attempt.</summary>
    public const string ResiliencePipelineName = "image-store";

    /// <summary>
    /// Registers the image store ImageStore:Provider names, its publisher (a hosted service: call after the job stores and
    /// before the device worker, see <see cref="ImagePublisher"/>), the readers' <see cref="ImageFiles"/> and the expiry sweeper.
    /// </summary>
    public static IServiceCollection AddImageStore(this IServiceCollection services)
    {
        services.AddSingleton<ImageStoreMetrics>();
        services.AddResiliencePipeline(ResiliencePipelineName, (builder, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<ImageStoreOptions>>().Value;
            var logger = context.ServiceProvider.GetRequiredService<ILogger<ImageStorage>>();
            if (options.Retries > 0)
            {
                builder.AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = options.Retries,
                    Delay = TimeSpan.FromMilliseconds(options.RetryDelayMilliseconds),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    // A missing image is an answer (null), not an exception; a slow or unreachable store is retried.
                    ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
                    OnRetry = args =>
                    {
                        logger.LogWarning("An image store call failed (attempt {Attempt} of {Attempts}); retrying in {Delay} ms: {Message}",
                            args.AttemptNumber + 1, options.Retries + 1, (int)args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message);
                        return ValueTask.CompletedTask;
                    },
                });
            }
            builder.AddTimeout(TimeSpan.FromSeconds(options.TimeoutSeconds));
        });
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<ImageStoreOptions>>().Value;
            IImageStore? store = options.Provider switch
            {
                ImageStoreProvider.FileSystem => new FileSystemImageStore(options.Path),
                ImageStoreProvider.S3 => new S3ImageStore(options.S3, TimeSpan.FromSeconds(options.TimeoutSeconds)),
                _ => null,
            };
            return new ImageStorage(store, options, provider.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(ResiliencePipelineName),
                provider.GetRequiredService<ImageStoreMetrics>(), provider.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<ImageFiles>();
        services.AddSingleton<ImagePublisher>();
        services.AddHostedService(provider => provider.GetRequiredService<ImagePublisher>());
        services.AddSingleton<ImageSweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<ImageSweeper>());
        return services;
    }
}
