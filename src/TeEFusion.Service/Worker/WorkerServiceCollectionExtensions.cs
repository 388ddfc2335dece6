using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using TeEFusion.Service.Health;
using TeEFusion.Service.Images;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Options;
using TeEFusion.Service.Webhooks;

namespace TeEFusion.Service.Worker;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the job stores (<see cref="JobStoreServiceCollectionExtensions.AddJobStores"/>), the submitter, the queue, the device worker and its circuit breaker. Needs the host's options
    /// (Queue, Batching, Worker, Jobs, Redis), <see cref="ServiceHealth"/>, ModelHost and ServiceTelemetry.
    /// </summary>
    public static IServiceCollection AddGenerationWorker(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<WorkerSignal>();
        services.AddSingleton<GenerationQueue>();
        // Before the stores and the worker: the dispatcher stops after the worker, so the drain's events are kept.
        services.AddWebhooks();
        services.AddJobStores();
        // After the relay, before the worker: the puts in flight finish after the worker's drain and before the relay's last writes.
        services.AddImageStore();
        services.AddSingleton<DeviceFaultHook>();
        services.AddSingleton<JobSubmitter>();
        services.AddResiliencePipeline(DeviceWorker.ResiliencePipelineName, (builder, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<WorkerOptions>>().Value;
            var health = context.ServiceProvider.GetRequiredService<ServiceHealth>();
            // Every call in the window failing (ratio 1) after CircuitBreakerFailures calls: consecutive device faults.
            // Out-of-memory is not a fault here: the worker answers it by splitting the batch.
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 1.0,
                MinimumThroughput = Math.Max(2, options.CircuitBreakerFailures),
                SamplingDuration = TimeSpan.FromSeconds(Math.Max(30, options.CircuitBreakSeconds)),
                BreakDuration = TimeSpan.FromSeconds(options.CircuitBreakSeconds),
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => !DeviceOutOfMemoryException.Matches(ex)),
                OnOpened = args =>
                {
                    health.SetWorker(WorkerStatus.CircuitOpen,
                        $"Repeated device faults; retrying in {args.BreakDuration.TotalSeconds:0} s. Last: {args.Outcome.Exception?.Message}");
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    health.SetWorker(WorkerStatus.Running);
                    return ValueTask.CompletedTask;
                },
            });
        });
        services.AddSingleton<WorkerInbox>();
        services.AddSingleton<BatchEngineFactory>();
        services.AddHostedService<DeviceWorker>();
        return services;
    }
}
