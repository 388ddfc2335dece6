using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using TeEFusion.Service.Errors;
using TeEFusion.Service.Health;
using TeEFusion.Service.Models;
using TeEFusion.Service.Options;
using TeEFusion.Service.Security;

namespace TeEFusion.Service.Extensions;

/// <summary>Registers the host's parts; Program.cs only calls these.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Binds every options section, validated by attributes and cross-field validators when the host starts.</summary>
    public static IServiceCollection AddServiceOptions(this IServiceCollection services)
    {
        services.AddValidatedOptions<ModelOptions>(ModelOptions.Section);
        services.AddValidatedOptions<DeviceOptions>(DeviceOptions.Section);
        services.AddValidatedOptions<QueueOptions>(QueueOptions.Section);
        services.AddValidatedOptions<BatchingOptions>(BatchingOptions.Section);
        services.AddValidatedOptions<LimitsOptions>(LimitsOptions.Section);
        services.AddValidatedOptions<AuthOptions>(AuthOptions.Section);
        services.AddValidatedOptions<TelemetryOptions>(TelemetryOptions.Section);
        services.AddValidatedOptions<WorkerOptions>(WorkerOptions.Section);
        services.AddValidatedOptions<JobsOptions>(JobsOptions.Section);
        services.AddValidatedOptions<RedisOptions>(RedisOptions.Section);
        services.AddValidatedOptions<ImageStoreOptions>(ImageStoreOptions.Section);
        services.AddValidatedOptions<SimulatedDeviceOptions>(SimulatedDeviceOptions.Section);
        services.AddSingleton<IValidateOptions<DeviceOptions>, DeviceOptionsValidator>();
        services.AddSingleton<IValidateOptions<LimitsOptions>, LimitsOptionsValidator>();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        services.AddSingleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>();
        services.AddSingleton<IValidateOptions<ImageStoreOptions>, ImageStoreOptionsValidator>();
        return services;
    }

    /// <summary>
    /// Every error as ProblemDetails (RFC 9457) with the request path and trace id, whatever the client accepts; malformed JSON and wrong types throw
    /// BadHttpRequestException (400) instead of an empty 400; JSON is snake_case like the OpenAI API, enums as strings.
    /// </summary>
    public static IServiceCollection AddServiceErrors(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path);
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonFallbackWriter>();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        // Kestrel's own cap backs RequestBodyLimitMiddleware for bodies that declare no length.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<LimitsOptions>>((kestrel, limits) =>
            kestrel.Limits.MaxRequestBodySize = Math.Max(limits.Value.MaxRequestBodyBytes, limits.Value.MaxUploadBodyBytes));
        return services;
    }

    /// <summary>
    /// The model host (background load), the health state, draining on ApplicationStopping, and a shutdown timeout a little
    /// longer than Worker:DrainTimeoutSeconds so the worker's drain is never cut short by the host.
    /// </summary>
    public static IServiceCollection AddModelHosting(this IServiceCollection services)
    {
        services.AddSingleton<ServiceHealth>();
        services.AddSingleton<ModelHost>();
        services.AddHostedService(provider => provider.GetRequiredService<ModelHost>());
        services.AddHostedService<DrainOnStopping>();
        services.AddOptions<HostOptions>().Configure<IOptions<WorkerOptions>>((host, worker) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(worker.Value.DrainTimeoutSeconds + ShutdownMarginSeconds));
        return services;
    }

    /// <summary>API keys (<see cref="SecurityEndpointExtensions"/>) and the "per-key" rate-limit policy.</summary>
    public static IServiceCollection AddServiceSecurity(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyStore>();
        services.AddPerKeyRateLimiter();
        return services;
    }

    private const int ShutdownMarginSeconds = 5;

    private static void AddValidatedOptions<T>(this IServiceCollection services, string section) where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
}
