using TeEFusion.Service.Options;

namespace TeEFusion.Service.Distillation;

public static class DistillationServiceCollectionExtensions
{
    /// <summary>Distillation options (section "Distillation"), the run registry, the request validator, the worker-side trainer, promotion and the start-up recovery of an unfinished run.</summary>
    public static IServiceCollection AddDistillation(this IServiceCollection services)
    {
        services.AddOptions<DistillationOptions>().BindConfiguration(DistillationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DistillationRuns>();
        services.AddSingleton<DistillationRequestValidator>();
        services.AddSingleton<DistillationTrainer>();
        services.AddSingleton<ModelSwaps>();
        services.AddSingleton<DistillationPromoter>();
        services.AddHostedService<DistillationRecovery>();
        return services;
    }
}
