using TeEFusion.Core.IO;
using TeEFusion.Core.Runtime;
using static TorchSharp.torch;

namespace TeEFusion.Core.Pipelines;

/// <summary>
/// The parts one <see cref="SD3Components"/> holds, and how each is let go: a part it loaded itself is disposed with
/// it; a part leased from an <see cref="SD3ComponentPool"/> is released, and the pool frees it when no model holds it
/// any more. Without a pool every part is loaded from the folder and owned, as by a model on its own.
/// </summary>
internal sealed class SD3ComponentParts(ModelFolder folder, SD3ComponentPool? pool) : IDisposable
{
    private readonly List<Held> _held = [];

    /// <summary>A tokenizer; <paramref name="maxLength"/> (T5's) is built into it, so it tells pooled ones apart.</summary>
    public T Tokenizer<T>(string component, int? maxLength, Func<T> load) where T : class
    {
        // A tokenizer holds no native memory: owned, there is nothing to let go.
        if (pool is null) return load();
        return Leased<T>(new PartKey(component, Fingerprint(component), Device: "", DType: "", maxLength), component, load);
    }

    /// <summary>A text encoder or VAE, whose weights end up on <paramref name="placement"/>'s device and in its dtype.</summary>
    public T Shared<T>(string component, ComputeOptions placement, Func<T> load) where T : nn.Module
    {
        if (pool is null) return Owned(component, load);
        var key = new PartKey(component, Fingerprint(component), placement.Device.ToString(), placement.DType.ToString().ToLowerInvariant());
        return Leased<T>(key, component, load);
    }

    /// <summary>A module this model alone holds (its transformer), disposed with it.</summary>
    public T Owned<T>(string component, Func<T> load) where T : nn.Module
    {
        // With a pool the model is one of several, whose parts a status page compares, and the load reads every shared
        // file anyway; alone it is fingerprinted only if asked, so that a load without a pool costs what it always did.
        // Either way the fingerprint is taken once: the folder may change after the load, the weights do not.
        var fingerprint = pool is null
            ? new Lazy<string>(() => Fingerprint(component), LazyThreadSafetyMode.PublicationOnly)
            : new Lazy<string>(Fingerprint(component));
        var module = load();
        Hold(new Held(component, module, ComponentMemory.BytesOf(module), fingerprint, Shared: false));
        return module;
    }

    /// <summary>One entry per module held, in load order.</summary>
    public IReadOnlyList<ComponentMemory> Memory()
    {
        List<Held> held;
        lock (_held) held = [.. _held];
        return held.Where(h => h.Bytes is not null)
            .Select(h => new ComponentMemory(h.Component, h.Fingerprint.Value, h.Bytes!.Value, h.Shared)).ToList();
    }

    /// <summary>Disposes what it owns and releases its leases, last taken first.</summary>
    public void Dispose()
    {
        List<Held> held;
        lock (_held)
        {
            held = [.. _held];
            _held.Clear();
        }
        for (var i = held.Count - 1; i >= 0; i--) held[i].Release.Dispose();
    }

    private T Leased<T>(PartKey key, string component, Func<T> load) where T : class
    {
        var lease = pool!.Take(key, load);
        Hold(new Held(component, lease, lease.Value is nn.Module ? lease.Bytes : null, new Lazy<string>(lease.Fingerprint), Shared: true));
        return (T)lease.Value;
    }

    private void Hold(Held held)
    {
        lock (_held) _held.Add(held);
    }

    private string Fingerprint(string component) => ComponentFingerprint.Of(folder.RequireComponent(component));

    // Bytes is null for a tokenizer, whose memory is managed and not counted.
    private sealed record Held(string Component, IDisposable Release, long? Bytes, Lazy<string> Fingerprint, bool Shared);
}
