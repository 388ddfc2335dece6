using System.Diagnostics;
using Microsoft.Extensions.Options;
using TeEFusion.Core.IO;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Runtime;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Models;

/// <summary>
/// Owns the served models (<see cref="ModelCatalog"/> decides which): loads them one after another in the background when
/// the host starts (readiness fails while they load), each with the pipeline its folder is made for, and disposes them on
/// shutdown. Models whose tokenizers, text encoders or VAE are the same files (by content) share one loaded copy through
/// one <see cref="SD3ComponentPool"/> (<see cref="SharedComponents"/>), so a student and its teacher cost one set of encoders and one VAE. A model that fails to load
/// keeps the process up with its state Failed and the reason in its error; the others serve. After loading, only the
/// device worker runs the pipelines; promotions add or swap models through it.
/// </summary>
public sealed class ModelHost : IHostedService, IDisposable
{
    /// <summary>The readiness message when no folder is configured.</summary>
    public const string PathNotSetMessage = "No model is configured: set Model:Serve (a list of models) or Model:Path (one diffusers-format SD3 folder).";

    private readonly ModelOptions _model;
    private readonly DeviceOptions _device;
    private readonly ILogger<ModelHost> _logger;
    private readonly string? _configurationError;
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly SD3ComponentPool _components = new();
    private IReadOnlyList<ServedModel> _models;
    private bool _disposed;

    public ModelHost(IOptions<ModelOptions> model, IOptions<DeviceOptions> device, ILogger<ModelHost> logger)
    {
        _model = model.Value;
        _device = device.Value;
        _logger = logger;
        var (slots, error) = ModelCatalog.Resolve(_model, Environment.CurrentDirectory, BundledModel.Locate);
        _configurationError = error;
        _models = slots.Select(slot => new ServedModel(slot, DescribeUnloaded(slot))).ToList();
    }

    /// <summary>Every served model, the default first.</summary>
    public IReadOnlyList<ServedModel> Models
    {
        get { lock (_gate) return _models; }
    }

    /// <summary>The model a request without `model` runs on; null when none is configured.</summary>
    public ServedModel? Default => Models.FirstOrDefault();

    /// <summary>The model served as <paramref name="id"/> (the default for null); null when none is.</summary>
    public ServedModel? Find(string? id) => id is null ? Default : Models.FirstOrDefault(m => m.Id == id);

    /// <summary>Loading while any model loads; Failed when the configuration or any model failed; otherwise Ready.</summary>
    public ModelHostState State
    {
        get
        {
            if (_configurationError is not null) return ModelHostState.Failed;
            var states = Models.Select(m => m.State).ToList();
            if (states.Contains(ModelHostState.Loading)) return ModelHostState.Loading;
            return states.Contains(ModelHostState.Failed) ? ModelHostState.Failed : ModelHostState.Ready;
        }
    }

    /// <summary>Why the configuration or a model failed; null otherwise.</summary>
    public string? Error => _configurationError ?? NullIfEmpty(string.Join(" ", Models.Select(m => m.Error).OfType<string>()));

    /// <summary>The loaded parts the models share (tokenizers, text encoders, VAE), with their sizes and how many models hold each.</summary>
    public IReadOnlyList<PooledComponent> SharedComponents => _components.Parts;

    /// <summary>Completes when every model's load has ended, however it ended.</summary>
    public Task WhenLoaded => _loaded.Task;

    /// <summary>The options the served pipelines were loaded with, for loading another folder the same way.</summary>
    public PipelineOptions LoadOptions(string? modelId = null, string? modelVersion = null) => new()
    {
        Compute = ComputeOptions.Parse(_device.ModelDevice, _device.DType),
        MaxSequenceLength = _model.MaxSequenceLength,
        NegativePromptCacheSize = _model.NegativePromptCacheSize,
        ModelId = modelId,
        ModelVersion = modelVersion,
        ComponentPool = _components,
    };

    /// <summary>
    /// Serves <paramref name="pipeline"/> as <paramref name="slot"/>'s id from now on: replaces that model's pipeline (the
    /// worker calls this with none of its jobs running), or adds the model. The pipeline it replaced before is disposed.
    /// </summary>
    public ServedModel Serve(ModelSlot slot, SD3Pipeline pipeline)
    {
        ServedModel served;
        lock (_gate)
        {
            served = _models.FirstOrDefault(m => m.Id == slot.Id) ?? new ServedModel(slot, DescribeUnloaded(slot));
            if (!_models.Contains(served)) _models = [.. _models, served];
        }
        var info = ServedModel.Describe(served.Slot, pipeline, served.Info, DateTimeOffset.UtcNow);
        served.Swap(pipeline, info)?.Dispose();
        _logger.LogInformation("Now serving model {ModelId} {ModelVersion} ({Kind})", served.Id, pipeline.ModelVersion, info.Kind);
        return served;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_configurationError is not null)
        {
            _logger.LogError("No model can be served: {Reason}", _configurationError);
            _loaded.TrySetResult();
            return Task.CompletedTask;
        }
        if (_model.Serve.Count == 0 && string.IsNullOrWhiteSpace(_model.Path))
            _logger.LogInformation("Model:Serve and Model:Path are not set: serving the bundled models {Models}", string.Join(", ", Models.Select(m => m.Id)));
        // Loading reads gigabytes for a real model: start-up must not wait for it, readiness reports it instead.
        _ = Task.Run(LoadAll, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        IReadOnlyList<ServedModel> models;
        lock (_gate)
        {
            _disposed = true;
            models = _models;
        }
        foreach (var model in models)
        {
            var (current, previous) = model.Release();
            current?.Dispose();
            previous?.Dispose();
        }
        _components.Dispose();
    }

    private void LoadAll()
    {
        // Before the first convolution: see LibTorchNnpack for why it is off.
        if (!LibTorchNnpack.TryTurnOff(out var nnpack))
            _logger.LogWarning("NNPACK could not be turned off ({Reason}); on a CPU without AVX2 libtorch prints a harmless 'Could not initialize NNPACK' per small convolution", nnpack);
        foreach (var model in Models) Load(model);
        _loaded.TrySetResult();
    }

    private void Load(ServedModel model)
    {
        var slot = model.Slot;
        var clock = Stopwatch.StartNew();
        _logger.LogInformation("Loading model {ModelId} from {ModelPath} on {Device}/{DType}", slot.Id, slot.FullPath, _device.Device, _device.DType);
        SD3Pipeline pipeline;
        ModelInfo info;
        try
        {
            if (!Directory.Exists(slot.FullPath))
                throw new DirectoryNotFoundException(
                    $"Model '{slot.Id}': folder '{slot.GivenPath}' not found (looked for {slot.FullPath}; a relative path resolves against the directory the service was started from).");
            pipeline = FolderPipeline.Load(slot.FullPath, LoadOptions(slot.Id, slot.Version));
            try
            {
                info = ServedModel.Describe(slot, pipeline, model.Info, DateTimeOffset.UtcNow);
                FitPreviews(slot, pipeline);
            }
            catch
            {
                pipeline.Dispose();
                throw;
            }
        }
        // The boundary of a background load: whatever escaped here would leave readiness saying "loading" forever.
        catch (Exception e)
        {
            _logger.LogError(e, "Loading model {ModelId} from {ModelPath} failed", slot.Id, slot.FullPath);
            model.Failed(e is DirectoryNotFoundException ? e.Message : $"Loading model '{slot.Id}' from '{slot.FullPath}' failed: {e.Message}");
            return;
        }

        lock (_gate)
        {
            // The host stopped while the weights were read: nobody else will release them.
            if (_disposed)
            {
                pipeline.Dispose();
                return;
            }
            model.Loaded(pipeline, info);
        }
        foreach (var warning in pipeline.LoadWarnings) _logger.LogWarning("Model {ModelId} warning: {Warning}", slot.Id, warning);
        _logger.LogInformation("Model {ModelId} {ModelVersion} ({Kind}) loaded in {ElapsedMs:F0} ms", slot.Id, pipeline.ModelVersion, info.Kind,
            clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>
    /// Fits <paramref name="pipeline"/>'s preview projection now, off the worker thread, so that the first job asking for
    /// partial images does not wait for it. A failure is logged and leaves the model serving: its previews then fail
    /// (logged per preview) and its jobs go on.
    /// </summary>
    public void FitPreviews(ModelSlot slot, SD3Pipeline pipeline)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var projection = pipeline.PreviewProjection;
            _logger.LogInformation("Model {ModelId}: preview projection fitted to its VAE in {ElapsedMs:F0} ms (RMS error {RmsError:F3})", slot.Id,
                clock.Elapsed.TotalMilliseconds, projection.FitRmsError);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Model {ModelId}: fitting the preview projection failed; its jobs will have no partial images", slot.Id);
        }
    }

    private ModelInfo DescribeUnloaded(ModelSlot slot)
    {
        var index = Path.Combine(slot.FullPath, ModelFolder.IndexFileName);
        DateTimeOffset? created = File.Exists(index) ? new DateTimeOffset(File.GetLastWriteTimeUtc(index), TimeSpan.Zero) : null;
        return new ModelInfo(slot.Id, _model.OwnedBy, slot.Version, ModelInfo.Sd3Family, null, [], null,
            ComputeOptions.ParseDType(_device.DType).ToString().ToLowerInvariant(), _device.Device.Trim().ToLowerInvariant(), created, null);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
