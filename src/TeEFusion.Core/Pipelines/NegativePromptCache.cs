using static TorchSharp.torch;

namespace TeEFusion.Core.Pipelines;

/// <summary>
/// The embeddings of recently used null/negative prompts, keyed by text, least recently used evicted first. Most
/// requests share the empty prompt, whose three encoder passes would otherwise be repeated for every image.
/// The tensors live outside every dispose scope and are freed on eviction or <see cref="Dispose"/>.
/// </summary>
internal sealed class NegativePromptCache(int capacity) : IDisposable
{
    internal sealed record Entry(Tensor EncoderHiddenStates, Tensor Pooled, IReadOnlyList<string> Warnings);

    private readonly Dictionary<string, LinkedListNode<(string Text, Entry Entry)>> _byText = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Text, Entry Entry)> _recency = new();

    public int Count => _byText.Count;

    public bool Contains(string text) => _byText.ContainsKey(text);

    public bool TryGet(string text, out Entry entry)
    {
        if (!_byText.TryGetValue(text, out var node))
        {
            entry = null!;
            return false;
        }
        _recency.Remove(node);
        _recency.AddFirst(node);
        entry = node.Value.Entry;
        return true;
    }

    /// <summary>Keeps copies of one row's embeddings, (1, T, D) and (1, P); the caller keeps its own tensors.</summary>
    public void Add(string text, Tensor encoderHiddenStates, Tensor pooled, IReadOnlyList<string> warnings)
    {
        if (capacity == 0 || _byText.ContainsKey(text)) return;
        while (_byText.Count >= capacity) Evict();
        var entry = new Entry(encoderHiddenStates.clone().DetachFromDisposeScope(), pooled.clone().DetachFromDisposeScope(), warnings);
        _byText[text] = _recency.AddFirst((text, entry));
    }

    public void Dispose()
    {
        while (_byText.Count > 0) Evict();
    }

    private void Evict()
    {
        var last = _recency.Last!;
        _recency.RemoveLast();
        _byText.Remove(last.Value.Text);
        last.Value.Entry.EncoderHiddenStates.Dispose();
        last.Value.Entry.Pooled.Dispose();
    }
}
