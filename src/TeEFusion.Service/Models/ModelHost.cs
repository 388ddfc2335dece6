using System.Diagnostics;
using Microsoft.Extensions.Options;
using TeEFusion.Core.IO;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Runtime;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Models;

/// <summary>
/// Owns the served <see cref="StudentPipeline"/>: loads it from Model:Path (or the bundled model when that is empty) in
/// the background when the host starts (readiness fails while it loads) and disposes it on shutdown. A failed load keeps
/// the process up with <see cref="State"/> = Failed and the reason in <see cref="Error"/>. After loading, only the device
/// worker runs it.
/// </summary>
public sealed class ModelHost : IHostedService, IDisposable
{
    /// <summary>The readiness message when no folder is configured.</summary>
    public const string PathNotSetMessage = "Model:Path is not set; point it at a diffusers-format TeEFusion SD3 folder.";

    private readonly ModelOptions _model;
    private readonly DeviceOptions _device;
    private readonly ILogger<ModelHost> _logger;
    private readonly string? _path;
    private readonly string? _pathError;
    private readonly TaskCompletionSource<StudentPipeline?> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private StudentPipeline? _pipeline;
    private StudentPipeline? _previous;
    private ModelInfo _info;
    private ModelHostState _state = ModelHostState.Loading;
    private string? _error;
    private bool _disposed;

    public ModelHost(IOptions<ModelOptions> model, IOptions<DeviceOptions> device, ILogger<ModelHost> logger)
    {
        _model = model.Value;
        _device = device.Value;
        _logger = logger;
        (_path, _pathError) = ResolvePath(_model);
        _info = DescribeUnloaded();
    }

    /// <summary>The folder served at start-up (full path): Model:Path, or the bundled model when that is empty; null when there is none.</summary>
    public string? ModelPath => _path;

    /// <summary>The loaded pipeline; null unless <see cref="State"/> is Ready.</summary>
    public StudentPipeline? Pipeline
    {
        get { lock (_gate) return _pipeline; }
    }

    public ModelInfo Info
    {
        get { lock (_gate) return _info; }
    }

    public ModelHostState State
    {
        get { lock (_gate) return _state; }
    }

    /// <summary>Why loading failed; null otherwise.</summary>
    public string? Error
    {
        get { lock (_gate) return _error; }
    }

    /// <summary>The pipeline served before the last <see cref="Swap"/>, kept so that it can be restored; null if none.</summary>
    public StudentPipeline? Previous
    {
        get { lock (_gate) return _previous; }
    }

    /// <summary>The options the served pipeline was loaded with, for loading another folder the same way.</summary>
    public PipelineOptions LoadOptions(string? modelId = null, string? modelVersion = null) => new()
    {
        Compute = ComputeOptions.Parse(_device.Device, _device.DType),
        MaxSequenceLength = _model.MaxSequenceLength,
        NegativePromptCacheSize = _model.NegativePromptCacheSize,
        ModelId = modelId ?? NullIfBlank(_model.Id),
        ModelVersion = modelVersion ?? NullIfBlank(_model.Version),
    };

    /// <summary>
    /// Serves <paramref name="pipeline"/> from now on (the device worker calls this at a step boundary with no job running).
    /// The replaced pipeline becomes <see cref="Previous"/>; the one before it is disposed.
    /// </summary>
    public void Swap(StudentPipeline pipeline)
    {
        StudentPipeline? dropped;
        lock (_gate)
        {
            if (ReferenceEquals(pipeline, _pipeline)) return;
            dropped = ReferenceEquals(_previous, pipeline) ? null : _previous;
            _previous = _pipeline;
            _pipeline = pipeline;
            _info = _info with { Id = pipeline.ModelId, Version = pipeline.ModelVersion, LoadedAt = DateTimeOffset.UtcNow };
        }
        dropped?.Dispose();
        _logger.LogInformation("Now serving model {ModelId} {ModelVersion}", pipeline.ModelId, pipeline.ModelVersion);
    }

    /// <summary>Completes when loading ends: with the pipeline, or null when it failed.</summary>
    public Task<StudentPipeline?> WhenLoaded => _loaded.Task;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_path is null)
        {
            Fail(_pathError!);
            return Task.CompletedTask;
        }
        if (string.IsNullOrWhiteSpace(_model.Path)) _logger.LogInformation("Model:Path is not set: serving the bundled model at {ModelPath}", _path);
        // Loading reads gigabytes for a real model: start-up must not wait for it, readiness reports it instead.
        _ = Task.Run(Load, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        StudentPipeline? pipeline, previous;
        lock (_gate)
        {
            _disposed = true;
            pipeline = _pipeline;
            previous = _previous;
            _pipeline = null;
            _previous = null;
        }
        pipeline?.Dispose();
        previous?.Dispose();
    }

    private void Load()
    {
        var path = _path!;
        var clock = Stopwatch.StartNew();
        _logger.LogInformation("Loading model from {ModelPath} on {Device}/{DType}", path, _device.Device, _device.DType);
        // Before the first convolution: see LibTorchNnpack for why it is off.
        if (!LibTorchNnpack.TryTurnOff(out var nnpack))
            _logger.LogWarning("NNPACK could not be turned off ({Reason}); on a CPU without AVX2 libtorch prints a harmless 'Could not initialize NNPACK' per small convolution", nnpack);
        StudentPipeline pipeline;
        try
        {
            pipeline = StudentPipeline.Load(path, LoadOptions());
        }
        // The boundary of a background task: whatever escaped here would leave readiness saying "loading" forever.
        catch (Exception e)
        {
            _logger.LogError(e, "Loading the model from {ModelPath} failed", path);
            Fail($"Loading the model from '{path}' failed: {e.Message}");
            return;
        }

        bool kept;
        lock (_gate)
        {
            kept = !_disposed;
            if (kept)
            {
                _pipeline = pipeline;
                _info = _info with { Id = pipeline.ModelId, Version = pipeline.ModelVersion, LoadedAt = DateTimeOffset.UtcNow };
                _state = ModelHostState.Ready;
            }
        }
        if (!kept)
        {
            // The host stopped while the weights were read: nobody else will release them.
            pipeline.Dispose();
            _loaded.TrySetResult(null);
            return;
        }
        foreach (var warning in pipeline.LoadWarnings) _logger.LogWarning("Model warning: {Warning}", warning);
        _logger.LogInformation("Model {ModelId} {ModelVersion} loaded in {ElapsedMs:F0} ms", pipeline.ModelId, pipeline.ModelVersion,
            clock.Elapsed.TotalMilliseconds);
        _loaded.TrySetResult(pipeline);
    }

    private void Fail(string error)
    {
        lock (_gate)
        {
            _error = error;
            _state = ModelHostState.Failed;
        }
        _loaded.TrySetResult(null);
    }

    // Resolved once, so that readiness, /v1/models and distillation all name the same folder.
    private static (string? Path, string? Error) ResolvePath(ModelOptions model)
    {
        if (NullIfBlank(model.Path) is { } configured) return (Path.GetFullPath(configured), null);
        if (!model.UseBundled) return (null, $"{PathNotSetMessage} (Model:UseBundled is off, so the bundled model is not used.)");
        try
        {
            return (BundledModel.Locate(), null);
        }
        catch (DirectoryNotFoundException e)
        {
            return (null, $"{PathNotSetMessage} {e.Message}");
        }
    }

    private ModelInfo DescribeUnloaded()
    {
        var path = _path;
        var folderName = path is null ? null : Path.GetFileName(path.TrimEnd(Path.DirectorySeparatorChar));
        var index = path is null ? null : Path.Combine(path, ModelFolder.IndexFileName);
        DateTimeOffset? created = index is not null && File.Exists(index) ? new DateTimeOffset(File.GetLastWriteTimeUtc(index), TimeSpan.Zero) : null;
        return new ModelInfo(NullIfBlank(_model.Id) ?? folderName ?? "unconfigured", _model.OwnedBy, NullIfBlank(_model.Version), ModelInfo.Sd3Family,
            ModelInfo.StudentSampler, ComputeOptions.ParseDType(_device.DType).ToString().ToLowerInvariant(),
            _device.Device.Trim().ToLowerInvariant(), created, null);
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
