using static TorchSharp.torch;

namespace TeEFusion.Core.Pipelines;

/// <summary>
/// Loaded tokenizers, text encoders and VAEs that several models in one process share: a student and its teacher
/// ship the same encoders and VAE, and should cost one copy. A part is found by what its sub-folder holds (a SHA-256
/// of its files), never by path, and by the device and dtype it was loaded in. Pass the pool in
/// <see cref="PipelineOptions.ComponentPool"/> (or to <see cref="SD3Components.Load"/>); each model loaded with it
/// holds a lease on each shared part, disposing the model releases them, and a part's weights are freed when its
/// last lease goes. Transformers (each model has its own) and schedulers (cheap) are never pooled. Thread-safe.
/// </summary>
public sealed class SD3ComponentPool : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<PartKey, Entry> _entries = [];
    private int _modulesBuilt;
    private bool _disposed;

    /// <summary>How many modules (encoders, VAEs) the pool has built since it was made: each is one load from disk.</summary>
    public int ModulesBuilt
    {
        get { lock (_gate) return _modulesBuilt; }
    }

    /// <summary>The parts held now, with their leases, in order of component and fingerprint.</summary>
    public IReadOnlyList<PooledComponent> Parts
    {
        get
        {
            lock (_gate)
            {
                return _entries.Values.Where(e => e.Value is not null)
                    .Select(e => new PooledComponent(e.Key.Component, e.Key.Fingerprint, e.Key.Device, e.Key.DType, e.Bytes, e.Leases))
                    .OrderBy(p => p.Component, StringComparer.Ordinal).ThenBy(p => p.Fingerprint, StringComparer.Ordinal)
                    .ThenBy(p => p.Device, StringComparer.Ordinal).ThenBy(p => p.DType, StringComparer.Ordinal)
                    .ToList();
            }
        }
    }

    /// <summary>
    /// A lease on the part under <paramref name="key"/>, built by <paramref name="build"/> on the calling thread when
    /// the pool does not hold it. When <paramref name="build"/> throws, nothing is kept and the error is the caller's.
    /// </summary>
    internal Lease Take(PartKey key, Func<object> build)
    {
        while (true)
        {
            Entry entry;
            bool builder;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                builder = !_entries.TryGetValue(key, out entry!);
                if (builder) _entries.Add(key, entry = new Entry(key));
                entry.Leases++;
            }
            if (builder) Build(entry, build);
            // Another load is building the same content. When it fails, build from this caller's own folder, so that
            // the error it gets names its own file.
            else if (!entry.Built.Task.Result) continue;
            return new Lease(this, entry);
        }
    }

    private void Build(Entry entry, Func<object> build)
    {
        object value;
        try
        {
            value = build();
        }
        catch
        {
            lock (_gate) _entries.Remove(entry.Key);
            entry.Built.SetResult(false);
            throw;
        }
        var bytes = value is nn.Module module ? ComponentMemory.BytesOf(module) : 0;
        bool disposed;
        lock (_gate)
        {
            disposed = _disposed;
            if (!disposed)
            {
                (entry.Value, entry.Bytes) = (value, bytes);
                if (value is nn.Module) _modulesBuilt++;
            }
        }
        entry.Built.SetResult(!disposed);
        if (!disposed) return;
        (value as IDisposable)?.Dispose();
        throw new ObjectDisposedException(nameof(SD3ComponentPool), "The pool was disposed while a part was being loaded into it.");
    }

    private void Release(Entry entry)
    {
        lock (_gate)
        {
            // A disposed pool has freed every part already.
            if (--entry.Leases > 0 || _disposed) return;
            _entries.Remove(entry.Key);
        }
        (entry.Value as IDisposable)?.Dispose();
    }

    /// <summary>Frees every part still held, leased or not; models that hold one must not run afterwards.</summary>
    public void Dispose()
    {
        List<Entry> left;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            left = [.. _entries.Values];
            _entries.Clear();
        }
        foreach (var entry in left) (entry.Value as IDisposable)?.Dispose();
    }

    internal sealed class Entry(PartKey key)
    {
        public PartKey Key { get; } = key;

        /// <summary>Set once the builder is done: true when <see cref="Value"/> is there, false when the build failed.</summary>
        public TaskCompletionSource<bool> Built { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public object? Value { get; set; }
        public long Bytes { get; set; }
        public int Leases { get; set; }
    }

    /// <summary>One model's hold on a pooled part; disposing it lets go (once).</summary>
    internal sealed class Lease(SD3ComponentPool pool, Entry entry) : IDisposable
    {
        private int _released;

        public object Value => entry.Value!;
        public long Bytes => entry.Bytes;
        public string Fingerprint => entry.Key.Fingerprint;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) pool.Release(entry);
        }
    }
}

/// <summary>
/// What makes two pooled parts one: the component, its files' fingerprint, and the device and dtype its weights were
/// loaded in. A tokenizer has no device or dtype (empty), and tokenizer_3 carries its max length (null for CLIP's).
/// </summary>
internal readonly record struct PartKey(string Component, string Fingerprint, string Device, string DType, int? MaxLength = null);
