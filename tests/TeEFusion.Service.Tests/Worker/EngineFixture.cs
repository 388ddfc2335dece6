using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Options;
using TeEFusion.Service.Worker;
using TeEFusion.Service.Telemetry;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Worker;

/// <summary>The tiny random model loaded as a student pipeline, for driving a <see cref="Service.Worker.BatchEngine"/> directly.</summary>
public sealed class EngineFixture : IDisposable
{
    private readonly TinyModelFolder _folder = new();
    private readonly ServiceProvider _services;
    private readonly WorkerSignal _signal = new();
    private readonly InProcessJobStore _store;

    public EngineFixture()
    {
        Pipeline = StudentPipeline.Load(_folder.Path);
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var queueOptions = Microsoft.Extensions.Options.Options.Create(new QueueOptions());
        _store = new InProcessJobStore(new GenerationQueue(queueOptions, _signal), queueOptions, TimeProvider.System);
        Telemetry = new ServiceTelemetry(_services.GetRequiredService<IMeterFactory>(), _store);
    }

    public StudentPipeline Pipeline { get; }

    public ServiceTelemetry Telemetry { get; }

    public void Dispose()
    {
        Pipeline.Dispose();
        _store.Dispose();
        _signal.Dispose();
        _services.Dispose();
        _folder.Dispose();
    }
}
