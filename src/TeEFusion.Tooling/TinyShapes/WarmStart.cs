using System.Text.Json;
using TeEFusion.Core.Distillation;
using TeEFusion.Core.IO;
using TeEFusion.Tooling.RandomModels;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.TinyShapes;

/// <summary>
/// Starts a tiny-shapes teacher folder from a trained one of an older vocabulary: the current architecture is written
/// (tokenizers with <see cref="Shapes.ShapeVocabulary.Words"/>, <see cref="Shapes.ShapeVocabulary.MaxTokens"/> text
/// positions), then the trained transformer, VAE and scheduler are copied in, and the trained text encoders' weights with
/// their token and position embeddings extended: every old token keeps its vector under its (possibly new) id, every
/// old position its row, and only the new tokens and positions keep the fresh random rows. The encoders stay frozen,
/// so old captions encode exactly as before and fine-tuning only has to teach the transformer the new words.
/// </summary>
internal static class WarmStart
{
    private const string TokenEmbedding = "text_model.embeddings.token_embedding.weight";
    private const string PositionEmbedding = "text_model.embeddings.position_embedding.weight";
    private static readonly (string Encoder, string Tokenizer)[] TextParts = [("text_encoder", "tokenizer"), ("text_encoder_2", "tokenizer_2")];

    /// <summary>Writes <paramref name="target"/> from the trained teacher folder <paramref name="source"/>.</summary>
    /// <exception cref="ModelFormatException">The source is not a tiny-shapes teacher folder.</exception>
    public static void Initialize(string source, string target, long seed, Action<string> log)
    {
        if (!File.Exists(Path.Combine(source, ModelFolder.IndexFileName)))
            throw new ModelFormatException(source, "a warm start needs a trained tiny-shapes teacher folder (with model_index.json) here.");
        RandomModelWriter.Write(target, RandomModelPreset.TinyShapes, seed, includeT5: false, overwrite: true);
        foreach (var part in new[] { "transformer", "vae", "scheduler" })
        {
            Directory.Delete(Path.Combine(target, part), recursive: true);
            StudentModelFolder.Copy(Path.Combine(source, part), Path.Combine(target, part));
        }
        foreach (var (encoder, tokenizer) in TextParts)
        {
            var added = Extend(Path.Combine(source, encoder, "model.safetensors"), Path.Combine(target, encoder, "model.safetensors"),
                ReadVocabulary(Path.Combine(source, tokenizer)), ReadVocabulary(Path.Combine(target, tokenizer)));
            log($"init: {encoder} warm-started from {source}: {added.Tokens} new tokens, {added.Positions} new positions");
        }
    }

    // Overwrites the fresh encoder at `target` with the trained one's weights, the embeddings extended as the class says.
    private static (int Tokens, int Positions) Extend(string trained, string target, Dictionary<string, int> oldVocabulary,
        Dictionary<string, int> newVocabulary)
    {
        var missing = oldVocabulary.Keys.Where(t => !newVocabulary.ContainsKey(t)).Take(3).ToArray();
        if (missing.Length > 0)
            throw new ModelFormatException(trained, $"the new vocabulary lacks old tokens ({string.Join(", ", missing)}); a warm start keeps every old token.");
        var weights = new Dictionary<string, Tensor>();
        var oldPositions = 0L;
        try
        {
            using (var old = SafetensorsFile.Open(trained))
            using (var fresh = SafetensorsFile.Open(target))
            {
                foreach (var name in fresh.Tensors.Keys)
                {
                    var value = old.Read(name);
                    if (name == PositionEmbedding) oldPositions = value.shape[0];
                    weights[name] = name switch
                    {
                        TokenEmbedding => Remap(fresh.Read(name), value, oldVocabulary, newVocabulary),
                        PositionEmbedding => Prefix(fresh.Read(name), value),
                        _ => value,
                    };
                    if (!ReferenceEquals(weights[name], value)) value.Dispose();
                }
            }
            var partial = target + ".partial";
            SafetensorsWriter.Write(partial, weights);
            File.Move(partial, target, overwrite: true);
            return (newVocabulary.Count - oldVocabulary.Count, (int)(weights[PositionEmbedding].shape[0] - oldPositions));
        }
        finally
        {
            foreach (var tensor in weights.Values) tensor.Dispose();
        }
    }

    private static Tensor Remap(Tensor fresh, Tensor old, Dictionary<string, int> oldVocabulary, Dictionary<string, int> newVocabulary)
    {
        var from = tensor(oldVocabulary.Values.Select(id => (long)id).ToArray());
        var to = tensor(oldVocabulary.Keys.Select(token => (long)newVocabulary[token]).ToArray());
        using (from)
        using (to)
        using (var rows = old.index_select(0, from))
            fresh.index_copy_(0, to, rows);
        return fresh;
    }

    private static Tensor Prefix(Tensor fresh, Tensor old)
    {
        using (var head = fresh.narrow(0, 0, old.shape[0])) head.copy_(old);
        return fresh;
    }

    private static Dictionary<string, int> ReadVocabulary(string tokenizerFolder)
    {
        var path = Path.Combine(tokenizerFolder, "vocab.json");
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<Dictionary<string, int>>(stream) ?? throw new ModelFormatException(path, "the vocabulary is empty.");
    }
}
