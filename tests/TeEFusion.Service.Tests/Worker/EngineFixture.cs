using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using TeEFusion.Service.Images;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Models;
using TeEFusion.Service.Options;
using TeEFusion.Service.Worker;
using TeEFusion.Service.Telemetry;
using TeEFusion.Service.Tests.Fixtures;
using TeEFusion.Service.Tests.Jobs;
using TeEFusion.Tooling.RandomModels;

namespace TeEFusion.Service.Tests.Worker;

/// <summary>
/// A real <see cref="ModelHost"/> serving the tiny random student as <see cref="TestSpecs.StudentModel"/> and a tiny plain
/// SD3 folder as <see cref="TeacherModel"/>, for driving a <see cref="BatchEngine"/> directly.
/// </summary>
public sealed class EngineFixture : IDisposable
{
    /// <summary>The plain SD3 model's id.</summary>
    public const string TeacherModel = "tiny-teacher";

    private readonly TinyModelFolder _student = new();
    private readonly TinyModelFolder _teacher = TinyModelFolder.Of(RandomModelPreset.TinySd3, "tiny-sd3");
    private readonly ServiceProvider _services;
    private readonly WorkerSignal _signal = new();
    private readonly InProcessJobStore _store;

    public EngineFixture()
    {
        var options = new ModelOptions
        {
            Serve =
            [
                new ServedModelOptions { Id = TestSpecs.StudentModel, Path = _student.Path },
                new ServedModelOptions { Id = TeacherModel, Path = _teacher.Path },
            ],
        };
        Models = new ModelHost(Microsoft.Extensions.Options.Options.Create(options), Microsoft.Extensions.Options.Options.Create(new DeviceOptions()),
            NullLogger<ModelHost>.Instance);
        Models.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        Models.WhenLoaded.WaitAsync(ServiceFactory.LoadTimeout).GetAwaiter().GetResult();
        if (Models.State != ModelHostState.Ready) throw new InvalidOperationException($"The tiny models did not load: {Models.Error}");
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var queueOptions = Microsoft.Extensions.Options.Options.Create(new QueueOptions());
        _store = new InProcessJobStore(new GenerationQueue(queueOptions, _signal), queueOptions, TimeProvider.System);
        var meters = _services.GetRequiredService<IMeterFactory>();
        Telemetry = new ServiceTelemetry(meters, _store);
        var withJobs = new ImageStorage(null, new ImageStoreOptions(), Polly.ResiliencePipeline.Empty, new ImageStoreMetrics(meters), TimeProvider.System);
        Publisher = new ImagePublisher(withJobs, Telemetry, TimeProvider.System, NullLogger<ImagePublisher>.Instance);
    }

    public ModelHost Models { get; }

    public ServiceTelemetry Telemetry { get; }

    /// <summary>Ends jobs the way the Memory image store does: succeeded at once, holding their files.</summary>
    public ImagePublisher Publisher { get; }

    public void Dispose()
    {
        Models.Dispose();
        _store.Dispose();
        _signal.Dispose();
        _services.Dispose();
        _student.Dispose();
        _teacher.Dispose();
    }
}
