using System.Text.Json.Nodes;
using TeEFusion.Core.Tokenizers;

namespace TeEFusion.Tooling.RandomModels;

// Writes the three tokenizer folders of an SD3 pipeline: two CLIP BPE tokenizers sharing one vocabulary (pad
// <|endoftext|> for CLIP-L, ! for bigG, as SD3 folders have them) and T5's SentencePiece model.
internal static class TokenizerFolders
{
    public const string T5ModelResource = "TeEFusion.Tooling.RandomModels.t5_spiece.model";

    public static void WriteClip(string folder, ClipBpeVocabulary vocabulary, string padToken, int maxLength = ClipTokenizer.DefaultMaxLength)
    {
        Directory.CreateDirectory(folder);
        PretrainedJson.WriteOrdered(Path.Combine(folder, "vocab.json"),
            vocabulary.Tokens.Select((token, id) => KeyValuePair.Create(token, id)));
        File.WriteAllText(Path.Combine(folder, "merges.txt"), vocabulary.MergesText());

        var added = new JsonObject();
        if (padToken != ClipBpeVocabulary.EndToken) added[vocabulary.Tokens.ToList().IndexOf(padToken).ToString()] = AddedToken(padToken);
        added[vocabulary.StartId.ToString()] = AddedToken(ClipBpeVocabulary.StartToken);
        added[vocabulary.EndId.ToString()] = AddedToken(ClipBpeVocabulary.EndToken);
        PretrainedJson.Write(Path.Combine(folder, "tokenizer_config.json"), new JsonObject
        {
            ["add_prefix_space"] = false,
            ["added_tokens_decoder"] = added,
            ["bos_token"] = ClipBpeVocabulary.StartToken,
            ["clean_up_tokenization_spaces"] = true,
            ["do_lower_case"] = true,
            ["eos_token"] = ClipBpeVocabulary.EndToken,
            ["errors"] = "replace",
            ["model_max_length"] = maxLength,
            ["pad_token"] = padToken,
            ["tokenizer_class"] = "CLIPTokenizer",
            ["unk_token"] = ClipBpeVocabulary.EndToken,
        });
        WriteSpecialTokensMap(folder, new()
        {
            ["bos_token"] = ClipBpeVocabulary.StartToken, ["eos_token"] = ClipBpeVocabulary.EndToken,
            ["pad_token"] = padToken, ["unk_token"] = ClipBpeVocabulary.EndToken,
        });
    }

    public static void WriteT5(string folder)
    {
        Directory.CreateDirectory(folder);
        using (var model = OpenT5Model())
        using (var file = File.Create(Path.Combine(folder, "spiece.model")))
            model.CopyTo(file);

        var added = new JsonObject
        {
            ["0"] = AddedToken("<pad>"), ["1"] = AddedToken("</s>"), ["2"] = AddedToken("<unk>"),
        };
        // extra_ids 0: the shipped model has no <extra_id_N> sentinels (they matter only for T5's span-corruption training).
        PretrainedJson.Write(Path.Combine(folder, "tokenizer_config.json"), new JsonObject
        {
            ["added_tokens_decoder"] = added,
            ["additional_special_tokens"] = new JsonArray(),
            ["clean_up_tokenization_spaces"] = true,
            ["eos_token"] = "</s>",
            ["extra_ids"] = 0,
            ["legacy"] = true,
            ["model_max_length"] = 512,
            ["pad_token"] = "<pad>",
            ["sp_model_kwargs"] = new JsonObject(),
            ["tokenizer_class"] = "T5Tokenizer",
            ["unk_token"] = "<unk>",
        });
        WriteSpecialTokensMap(folder, new() { ["eos_token"] = "</s>", ["pad_token"] = "<pad>", ["unk_token"] = "<unk>" });
    }

    // The embedded SentencePiece unigram model (see Resources/README.md).
    public static Stream OpenT5Model() =>
        typeof(TokenizerFolders).Assembly.GetManifestResourceStream(T5ModelResource)
        ?? throw new InvalidOperationException($"embedded resource {T5ModelResource} is missing from TeEFusion.Tooling.");

    private static void WriteSpecialTokensMap(string folder, Dictionary<string, string> tokens)
    {
        var map = new JsonObject();
        foreach (var (key, content) in tokens)
        {
            // transformers writes the map's entries without the "special" flag (they are special by being listed).
            var entry = AddedToken(content, normalized: true);
            entry.Remove("special");
            map[key] = entry;
        }
        PretrainedJson.Write(Path.Combine(folder, "special_tokens_map.json"), map);
    }

    private static JsonObject AddedToken(string content, bool normalized = false) => new()
    {
        ["content"] = content,
        ["lstrip"] = false,
        ["normalized"] = normalized,
        ["rstrip"] = false,
        ["single_word"] = false,
        ["special"] = true,
    };
}
