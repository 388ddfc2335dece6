using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Health;
using TeEFusion.Service.Telemetry;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Worker;

/// <summary>The tiny random model loaded as a student pipeline, for driving a <see cref="Service.Worker.BatchEngine"/> directly.</summary>
public sealed class EngineFixture : IDisposable
{
    private readonly TinyModelFolder _folder = new();
    private readonly ServiceProvider _services;

    public EngineFixture()
    {
        Pipeline = StudentPipeline.Load(_folder.Path);
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        Telemetry = new ServiceTelemetry(_services.GetRequiredService<IMeterFactory>(), new ServiceHealth());
    }

    public StudentPipeline Pipeline { get; }

    public ServiceTelemetry Telemetry { get; }

    public void Dispose()
    {
        Pipeline.Dispose();
        _services.Dispose();
        _folder.Dispose();
    }
}
