// Mirrors encode_prompt of diffusers' StableDiffusion3Pipeline (pipeline_stable_diffusion_3.py) for one prompt and one
// negative prompt per sample, split into a tokenize and an encode phase, with the negatives' embeddings cached.
using TeEFusion.Core.Sampling;
using TeEFusion.Core.TextEncoders;
using TeEFusion.Core.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Pipelines;

/// <summary>
/// Turns prompt text into SD3 conditioning: tokenize with CLIP-L, bigG and T5, then run the encoders. The null or
/// negative prompts' embeddings are kept in a small cache keyed by text, since most requests share them.
/// </summary>
public sealed class PromptConditioner : IDisposable
{
    private readonly SD3Components _components;
    private readonly NegativePromptCache _cache;

    /// <param name="components">The loaded model.</param>
    /// <param name="cacheCapacity">Distinct null/negative prompts kept between calls (0 disables the cache).</param>
    public PromptConditioner(SD3Components components, int cacheCapacity = 8)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cacheCapacity);
        _components = components;
        _cache = new NegativePromptCache(cacheCapacity);
    }

    /// <summary>How many null/negative prompts are cached now.</summary>
    public int CachedNegatives => _cache.Count;

    /// <summary>Tokenizes a batch with all three tokenizers.</summary>
    public PromptTokens Tokenize(IReadOnlyList<string> texts)
    {
        if (texts.Count == 0) throw new ArgumentException("At least one prompt is needed.", nameof(texts));
        var warnings = texts.Select(_ => new List<string>()).ToArray();
        TokenizedPrompt[] Run(string label, Func<string, TokenizedPrompt> encode) => texts.Select((text, i) =>
        {
            ArgumentNullException.ThrowIfNull(text, nameof(texts));
            var tokens = encode(text);
            if (tokens.Warning is { } warning) warnings[i].Add($"({label}): {warning}");
            return tokens;
        }).ToArray();

        var t5 = _components.Tokenizer3;
        return new PromptTokens(
            Run("CLIP-L", _components.Tokenizer.Encode),
            Run("CLIP-G", _components.Tokenizer2.Encode),
            t5 is null ? null : Run("T5", t5.Encode),
            warnings);
    }

    /// <summary>The tokenize phase: the prompts, and those negatives whose embeddings are not cached.</summary>
    public PreparedPrompts Prepare(IReadOnlyList<string> prompts, IReadOnlyList<string> negatives)
    {
        if (prompts.Count != negatives.Count)
            throw new ArgumentException($"{prompts.Count} prompts but {negatives.Count} negative prompts.", nameof(negatives));
        var promptTokens = Tokenize(prompts);
        var warnings = promptTokens.Describe("prompt").ToList();
        var distinct = negatives.Distinct(StringComparer.Ordinal).ToList();
        var uncached = distinct.Where(text => !_cache.Contains(text)).ToList();
        var negativeTokens = uncached.Count == 0 ? null : Tokenize(uncached);
        foreach (var text in distinct)
        {
            var lines = _cache.TryGet(text, out var entry) ? entry.Warnings : negativeTokens!.Warnings[uncached.IndexOf(text)];
            warnings.AddRange(lines.Select(line => $"negative prompt {line}"));
        }
        return new PreparedPrompts(promptTokens, negatives, uncached, negativeTokens, warnings);
    }

    /// <summary>
    /// The encode phase: runs the encoders on the prompts and the uncached negatives, caches those, and assembles
    /// one negative row per sample. The tensors belong to the caller's dispose scope.
    /// </summary>
    public EncodedPrompts Encode(PreparedPrompts prepared)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var prompt = Encode(prepared.Prompts);
        var fresh = new Dictionary<string, (Tensor Hidden, Tensor Pooled)>(StringComparer.Ordinal);
        if (prepared.UncachedNegativeTokens is { } tokens)
        {
            var negatives = Encode(tokens);
            for (var i = 0; i < prepared.UncachedNegatives.Count; i++)
                fresh[prepared.UncachedNegatives[i]] = (negatives.EncoderHiddenStates.narrow(0, i, 1), negatives.Pooled.narrow(0, i, 1));
        }

        var hidden = new Tensor[prepared.Negatives.Count];
        var pooled = new Tensor[prepared.Negatives.Count];
        for (var b = 0; b < hidden.Length; b++)
        {
            var text = prepared.Negatives[b];
            if (fresh.TryGetValue(text, out var row)) (hidden[b], pooled[b]) = row;
            else if (_cache.TryGet(text, out var entry)) (hidden[b], pooled[b]) = (entry.EncoderHiddenStates, entry.Pooled);
            else
            {
                // Evicted since Prepare (another batch was encoded in between): encode it now.
                var late = Encode(Tokenize([text]));
                fresh[text] = (hidden[b], pooled[b]) = (late.EncoderHiddenStates, late.Pooled);
            }
        }
        for (var i = 0; i < prepared.UncachedNegatives.Count; i++)
        {
            var text = prepared.UncachedNegatives[i];
            _cache.Add(text, fresh[text].Hidden, fresh[text].Pooled, prepared.UncachedNegativeTokens!.Warnings[i]);
        }
        var negative = new PromptEmbeddings(cat(hidden, 0), cat(pooled, 0)); // (B, T, D), (B, P)
        return new EncodedPrompts(Moved(prompt), Moved(negative));
    }

    /// <summary>Runs the three encoders on tokenized prompts; (B, T, joint_attention_dim) and (B, pooled_projection_dim).</summary>
    public PromptEmbeddings Encode(PromptTokens tokens)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var device = _components.Compute.Device;
        var input = new SD3PromptTokens(Ids(tokens.ClipL, device), Ids(tokens.ClipG, device), tokens.T5 is null ? null : Ids(tokens.T5, device));
        var embeds = _components.PromptEncoder.Encode(input);
        return Moved(new PromptEmbeddings(embeds.PromptEmbeds, embeds.PooledPromptEmbeds));
    }

    public void Dispose() => _cache.Dispose();

    private static Tensor Ids(TokenizedPrompt[] prompts, Device device)
    {
        var length = prompts[0].MaxLength;
        var ids = prompts.SelectMany(p => p.ToInt64()).ToArray();
        return tensor(ids, [prompts.Length, length], device: device); // (B, T)
    }

    private static PromptEmbeddings Moved(PromptEmbeddings embeddings) =>
        new(embeddings.EncoderHiddenStates.MoveToOuterDisposeScope(), embeddings.Pooled.MoveToOuterDisposeScope());
}
