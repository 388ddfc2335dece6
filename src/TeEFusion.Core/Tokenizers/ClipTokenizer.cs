// Mirrors transformers models/clip/tokenization_clip.py CLIPTokenizer (the slow tokenizer diffusers' SD3 folders
// name in model_index.json), called as SD3's pipeline does: padding="max_length", max_length=77, truncation=True.
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using TeEFusion.Core.IO;

namespace TeEFusion.Core.Tokenizers;

/// <summary>
/// CLIP's byte-level BPE tokenizer, loaded from a diffusers <c>tokenizer/</c> or <c>tokenizer_2/</c> folder
/// (vocab.json, merges.txt, tokenizer_config.json and/or special_tokens_map.json).
/// </summary>
public sealed class ClipTokenizer
{
    /// <summary>CLIP's text encoders have 77 positions; used where the folder gives no model_max_length.</summary>
    public const int DefaultMaxLength = 77;

    // transformers reads at most this many merges (49152 - 256 - 2), after skipping the "#version" line.
    private const int MaxMerges = 48894;

    // CLIP's split pattern: specials, English contractions, letter runs, single digits, other-symbol runs.
    private const string SplitPattern =
        @"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+";

    private readonly BpeTokenizer _bpe;

    private ClipTokenizer(BpeTokenizer bpe, int bosId, int eosId, int padId, int maxLength)
    {
        _bpe = bpe;
        BosId = bosId;
        EosId = eosId;
        PadId = padId;
        MaxLength = maxLength;
    }

    /// <summary>Id of the begin token (<c>&lt;|startoftext|&gt;</c> in CLIP vocabularies).</summary>
    public int BosId { get; }

    /// <summary>Id of the end token (<c>&lt;|endoftext|&gt;</c>); the text encoders pool at its first position.</summary>
    public int EosId { get; }

    /// <summary>Id used to pad to <see cref="MaxLength"/>: the folder's pad token (CLIP-L: end token; bigG in SD3: "!").</summary>
    public int PadId { get; }

    /// <summary>Fixed output length, special tokens included.</summary>
    public int MaxLength { get; }

    /// <summary>Loads the tokenizer from a folder; <paramref name="maxLength"/> overrides the folder's model_max_length.</summary>
    /// <exception cref="ModelFormatException">A file is missing or unreadable, or names a token the vocabulary lacks.</exception>
    public static ClipTokenizer FromFolder(string folder, int? maxLength = null)
    {
        var vocabPath = Path.Combine(folder, "vocab.json");
        var vocab = ReadVocabulary(vocabPath);
        var merges = ReadMerges(Path.Combine(folder, "merges.txt"));
        var config = TokenizerConfigFiles.Load(folder);

        // CLIPTokenizer's defaults apply only to keys that neither file sets.
        var defaults = new Dictionary<string, string>
        {
            ["bos_token"] = "<|startoftext|>", ["eos_token"] = "<|endoftext|>",
            ["pad_token"] = "<|endoftext|>", ["unk_token"] = "<|endoftext|>",
        };
        // transformers cuts every added token (bos/eos/pad included, e.g. bigG's "!") out of the raw text first.
        var specials = new Dictionary<string, int>(config.AddedTokens, StringComparer.Ordinal);
        var ids = new Dictionary<string, int>();
        foreach (var (key, fallback) in defaults)
        {
            var token = config.Token(key) ?? fallback;
            if (!specials.TryGetValue(token, out var id) && !vocab.TryGetValue(token, out id))
                throw new ModelFormatException(vocabPath, $"{key} '{token}' (from {TokenizerConfigFiles.ConfigFile}/"
                                                          + $"{TokenizerConfigFiles.SpecialTokensFile}) is not in the vocabulary.");
            specials[token] = id;
            ids[key] = id;
        }

        var length = maxLength ?? config.ModelMaxLength ?? DefaultMaxLength;
        if (length < 2) throw new ArgumentOutOfRangeException(nameof(maxLength), length, "must be at least 2 (begin and end token).");

        var bpe = BpeTokenizer.Create(new BpeOptions(vocab)
        {
            Merges = merges,
            SpecialTokens = specials,
            Normalizer = ClipTextNormalizer.Instance,
            PreTokenizer = new RegexPreTokenizer(new Regex(SplitPattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), specials),
            EndOfWordSuffix = "</w>",
            ByteLevel = true,
            UnknownToken = config.Token("unk_token") ?? defaults["unk_token"],
        });
        return new ClipTokenizer(bpe, ids["bos_token"], ids["eos_token"], ids["pad_token"], length);
    }

    /// <summary>Tokenizes one prompt to exactly <see cref="MaxLength"/> ids: begin, text (cut if needed), end, padding.</summary>
    public TokenizedPrompt Encode(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return TokenizedPrompt.Frame(_bpe.EncodeToIds(prompt), BosId, EosId, PadId, MaxLength);
    }

    private static Dictionary<string, int> ReadVocabulary(string path)
    {
        if (!File.Exists(path)) throw new ModelFormatException(path, "file not found (a CLIP tokenizer folder needs vocab.json and merges.txt).");
        try
        {
            using var stream = File.OpenRead(path);
            var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(stream);
            return vocab is { Count: > 0 } ? vocab : throw new ModelFormatException(path, "the vocabulary is empty.");
        }
        catch (JsonException error)
        {
            throw new ModelFormatException(path, $"expected a JSON object of token → id: {error.Message}", inner: error);
        }
    }

    private static List<string> ReadMerges(string path)
    {
        if (!File.Exists(path)) throw new ModelFormatException(path, "file not found (a CLIP tokenizer folder needs vocab.json and merges.txt).");
        var lines = File.ReadAllText(path).Trim().Split('\n');
        // Like transformers, the first line is always taken to be the "#version" header and skipped.
        var merges = lines.Skip(1).Take(MaxMerges).Select(l => l.TrimEnd('\r')).ToList();
        var bad = merges.FindIndex(m => m.Split(' ').Length != 2);
        if (bad >= 0) throw new ModelFormatException(path, $"line {bad + 2} is not a merge of two symbols: '{merges[bad]}'.");
        return merges;
    }
}
