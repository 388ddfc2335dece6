using System.Diagnostics.Metrics;
using TeEFusion.Service.Models;

namespace TeEFusion.Service.Telemetry;

/// <summary>
/// Device memory as the service knows it: the bytes of the weights it holds (parameters and buffers), per model for
/// what the model alone holds (its transformer) and under model="shared" for the pooled text encoders and VAE, counted
/// once. TorchSharp exposes no CUDA allocator statistics (allocated / reserved), so activations and the allocator's
/// cache are not in it; the process's working set (dotnet_process_memory_working_set_bytes, from the runtime's own
/// meter) covers them on CPU, where libtorch's tensors live in the process.
/// </summary>
public sealed class ModelMemoryMetrics
{
    /// <summary>The model tag's value for the components the served models share.</summary>
    public const string SharedModel = "shared";

    /// <summary>Tag: where the weights are (cpu, cuda, cuda:N).</summary>
    public const string DeviceTag = "device";

    public ModelMemoryMetrics(IMeterFactory meters, ModelHost models)
    {
        meters.Create(ServiceTelemetry.Name).CreateObservableGauge("teefusion.model.memory", () => Observe(models), "By",
            "Bytes of loaded weights: each model's own (its transformer), and the shared components once.");
    }

    private static IEnumerable<Measurement<long>> Observe(ModelHost models)
    {
        foreach (var model in models.Models)
        {
            if (model.Pipeline is not { } pipeline) continue;
            var own = pipeline.Components.Memory.Where(c => !c.Shared).Sum(c => c.Bytes);
            yield return Measurement(own, model.Id, model.Info.Device);
        }
        foreach (var device in models.SharedComponents.Where(c => c.Bytes > 0).GroupBy(c => c.Device))
            yield return Measurement(device.Sum(c => c.Bytes), SharedModel, device.Key);
    }

    private static Measurement<long> Measurement(long bytes, string model, string device) =>
        new(bytes, new KeyValuePair<string, object?>(ServiceTelemetry.ModelTag, model), new KeyValuePair<string, object?>(DeviceTag, device));
}
