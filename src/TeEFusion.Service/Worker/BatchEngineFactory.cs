using Microsoft.Extensions.Options;
using Polly.Registry;
using TeEFusion.Service.Images;
using TeEFusion.Service.Models;
using TeEFusion.Service.Options;
using TeEFusion.Service.Telemetry;

namespace TeEFusion.Service.Worker;

/// <summary>
/// Builds the worker's <see cref="BatchEngine"/> over the served models with what it needs: the batching settings, the device's circuit breaker, the fault hook, the instruments, the image publisher, the clock and the logger (and the benchmarks' <see cref="SimulatedDevice"/> under Compute:Device = simulated).
/// </summary>
public sealed class BatchEngineFactory(
    ModelHost models,
    IOptions<BatchingOptions> batching,
    IOptions<DeviceOptions> device,
    IOptions<SimulatedDeviceOptions> simulated,
    ResiliencePipelineProvider<string> resilience,
    DeviceFaultHook faults,
    ServiceTelemetry telemetry,
    ImagePublisher publisher,
    TimeProvider time,
    ILogger<BatchEngine> logger)
{
    private readonly BatchingOptions _batching = batching.Value;

    /// <summary>Images in flight: Batching:MaxBatchSize, or 1 with batching off.</summary>
    public int MaxBatchSize => _batching.Enabled ? _batching.MaxBatchSize : 1;

    /// <summary>How long a fresh batch waits for company (Batching:MaxWaitMilliseconds).</summary>
    public TimeSpan GatherWindow => TimeSpan.FromMilliseconds(_batching.MaxWaitMilliseconds);

    public BatchEngine Create() =>
        new(models, MaxBatchSize, _batching.PadToMaxBatchSize, resilience.GetPipeline(DeviceWorker.ResiliencePipelineName), faults,
            new WorkerInstruments(telemetry), publisher, time, logger, Simulated());

    private SimulatedDevice? Simulated()
    {
        if (!device.Value.IsSimulated) return null;
        var options = simulated.Value;
        // Loud on purpose: a replica that serves fixed images must not pass for a real one in any log.
        logger.LogWarning("Compute:Device is simulated (benchmarks only): each step sleeps {Fixed} + {PerRow}·rows ms and every image is " +
                          "the same {Bytes}-byte PNG", options.StepMillisecondsFixed, options.StepMillisecondsPerRow, options.ImageBytes);
        return new SimulatedDevice(options);
    }
}
