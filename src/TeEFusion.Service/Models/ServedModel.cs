using TeEFusion.Core.IO;
using TeEFusion.Core.Pipelines;

namespace TeEFusion.Service.Models;

/// <summary>
/// One model the service serves under an id: its folder, load state, the pipeline that runs it (and the one served before
/// the last swap, for a restore), and its request defaults. Thread-safe: endpoints read it while the worker runs and swaps it.
/// </summary>
public sealed class ServedModel
{
    private readonly Lock _gate = new();
    private SD3Pipeline? _pipeline;
    private SD3Pipeline? _previous;
    private ModelInfo _info;
    private ModelHostState _state = ModelHostState.Loading;
    private string? _error;

    /// <param name="slot">Where the folder is and what the configuration says about it.</param>
    /// <param name="unloaded">What is known before loading (id, owner, dtype, device, the folder's time).</param>
    public ServedModel(ModelSlot slot, ModelInfo unloaded)
    {
        Slot = slot;
        _info = unloaded;
    }

    public ModelSlot Slot { get; }

    public string Id => Slot.Id;

    /// <summary>The loaded pipeline; null unless <see cref="State"/> is Ready.</summary>
    public SD3Pipeline? Pipeline
    {
        get { lock (_gate) return _pipeline; }
    }

    /// <summary>The pipeline served before the last <see cref="Swap"/>, kept so that it can be restored; null if none.</summary>
    public SD3Pipeline? Previous
    {
        get { lock (_gate) return _previous; }
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

    /// <summary>The request defaults; null until loaded.</summary>
    public ModelDefaults? Defaults => Info.Defaults;

    /// <summary>The answer to a request for an id none of <paramref name="served"/> has: it names the ids that are served.</summary>
    public static string NotServed(string? id, IEnumerable<ServedModel> served) =>
        $"No model '{id}' is served; served: {string.Join(", ", served.Select(m => $"'{m.Id}'"))}.";

    /// <summary>
    /// Checks that <paramref name="pipeline"/> can serve this slot (its configured sampler is one the folder runs) and
    /// describes it. Throws <see cref="ModelFormatException"/> naming the folder and the samplers it runs otherwise.
    /// </summary>
    public static ModelInfo Describe(ModelSlot slot, SD3Pipeline pipeline, ModelInfo unloaded, DateTimeOffset now)
    {
        var samplers = pipeline.Samplers.Select(SamplerSettings.NameOf).ToList();
        var sampler = slot.Sampler is { } configured ? SamplerSettings.Parse(configured).Name : pipeline.DefaultSampler.Name;
        if (!samplers.Contains(sampler))
            throw new ModelFormatException(slot.FullPath,
                $"model '{slot.Id}' is configured with sampler '{sampler}', but this {KindOf(pipeline)} folder runs {string.Join(", ", samplers)}.");
        var defaults = new ModelDefaults(sampler, slot.Guidance ?? pipeline.DefaultGuidance, slot.Steps ?? SD3Pipeline.DefaultSteps);
        return unloaded with
        {
            Version = pipeline.ModelVersion, Kind = KindOf(pipeline), Samplers = samplers, Defaults = defaults, LoadedAt = now,
        };
    }

    /// <summary>What a pipeline is: a student pipeline is a TeEFusion student, any other runs guided.</summary>
    public static ModelKind KindOf(SD3Pipeline pipeline) => pipeline is StudentPipeline ? ModelKind.TeefusionStudent : ModelKind.GuidedTeacher;

    /// <summary>Serves <paramref name="pipeline"/> after its load.</summary>
    internal void Loaded(SD3Pipeline pipeline, ModelInfo info)
    {
        lock (_gate)
        {
            _pipeline = pipeline;
            _info = info;
            _state = ModelHostState.Ready;
        }
    }

    internal void Failed(string error)
    {
        lock (_gate)
        {
            _error = error;
            _state = ModelHostState.Failed;
        }
    }

    /// <summary>
    /// Serves <paramref name="pipeline"/> from now on (the device worker calls this with no job of this model running). The
    /// replaced pipeline becomes <see cref="Previous"/>; the one before it is returned for the caller to dispose.
    /// </summary>
    internal SD3Pipeline? Swap(SD3Pipeline pipeline, ModelInfo info)
    {
        lock (_gate)
        {
            if (ReferenceEquals(pipeline, _pipeline)) return null;
            var dropped = ReferenceEquals(_previous, pipeline) ? null : _previous;
            _previous = _pipeline;
            _pipeline = pipeline;
            _info = info;
            _state = ModelHostState.Ready;
            return dropped;
        }
    }

    /// <summary>Takes both pipelines away for disposal (the host is stopping).</summary>
    internal (SD3Pipeline? Current, SD3Pipeline? Previous) Release()
    {
        lock (_gate)
        {
            var released = (_pipeline, _previous);
            _pipeline = null;
            _previous = null;
            return released;
        }
    }
}
