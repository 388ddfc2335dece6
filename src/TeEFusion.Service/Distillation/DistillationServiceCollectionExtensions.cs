using TeEFusion.Service.Options;

namespace TeEFusion.Service.Distillation;

public static class DistillationServiceCollectionExtensions
{
    /// <summary>Distillation options (section "Distillation"), the run registry, the request validator, the worker-side trainer and promotion.</summary>
    public static IServiceCollection AddDistillation(this IServiceCollection services)
    {
        services.AddOptions<DistillationOptions>().BindConfiguration(DistillationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DistillationRuns>();
        services.AddSingleton<DistillationRequestValidator>();
        services.AddSingleton<DistillationTrainer>();
        services.AddSingleton<ModelSwaps>();
        services.AddSingleton<DistillationPromoter>();
        return services;
    }
}
