using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Telemetry;

/// <summary>
/// OpenTelemetry traces and metrics: ASP.NET Core, the .NET runtime, <see cref="ServiceTelemetry"/> and the gauges over
/// the service's state (capacity, health, model memory, distillation), Prometheus, OTLP when configured.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Reads the Telemetry section here, at registration, because the exporters are chosen before the container exists;
    /// the same values are validated as <see cref="TelemetryOptions"/> at start.
    /// </summary>
    public static IServiceCollection AddServiceTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        services.AddSingleton<ServiceTelemetry>();
        services.AddSingleton<JobDurations>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation().AddSource(ServiceTelemetry.Name);
                if (Otlp(options) is { } endpoint) tracing.AddOtlpExporter(o => Configure(o, endpoint, options));
            })
            .WithMetrics(metrics =>
            {
                // System.Runtime: the runtime's own meter (.NET 9+), for the process's working set, GC and thread pool.
                metrics.AddAspNetCoreInstrumentation().AddMeter(ServiceTelemetry.Name, "System.Runtime");
                // Observable gauges only report while their owner lives: the provider builds and keeps them.
                metrics.AddInstrumentation(provider => ActivatorUtilities.CreateInstance<CapacityMetrics>(provider))
                    .AddInstrumentation(provider => ActivatorUtilities.CreateInstance<HealthMetrics>(provider))
                    .AddInstrumentation(provider => ActivatorUtilities.CreateInstance<ModelMemoryMetrics>(provider))
                    .AddInstrumentation(provider => ActivatorUtilities.CreateInstance<DistillationMetrics>(provider));
                if (options.PrometheusEnabled) metrics.AddPrometheusExporter();
                if (Otlp(options) is { } endpoint) metrics.AddOtlpExporter(o => Configure(o, endpoint, options));
            });
        return services;
    }

    /// <summary>Maps /metrics when Telemetry:PrometheusEnabled.</summary>
    public static IEndpointRouteBuilder MapServiceMetrics(this IEndpointRouteBuilder routes, IConfiguration configuration)
    {
        if (configuration.GetValue(TelemetryOptions.Section + ":" + nameof(TelemetryOptions.PrometheusEnabled), true))
            routes.MapPrometheusScrapingEndpoint("/metrics").DisableRateLimiting();
        return routes;
    }

    // An unparsable address is left to TelemetryOptions' validation, which fails start with the key's name.
    private static Uri? Otlp(TelemetryOptions options) =>
        Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var endpoint) ? endpoint : null;

    private static void Configure(OtlpExporterOptions exporter, Uri endpoint, TelemetryOptions options)
    {
        exporter.Endpoint = endpoint;
        exporter.Protocol = options.OtlpProtocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
    }
}
