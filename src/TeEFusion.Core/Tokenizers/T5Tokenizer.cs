// Mirrors transformers models/t5/tokenization_t5.py T5Tokenizer (legacy SentencePiece path; TeEFusion's tokenizer_3)
// as diffusers' SD3 _get_t5_prompt_embeds calls it: padding="max_length", max_length=max_sequence_length, truncation.
using Microsoft.ML.Tokenizers;
using TeEFusion.Core.IO;

namespace TeEFusion.Core.Tokenizers;

/// <summary>
/// T5's SentencePiece unigram tokenizer, loaded from a diffusers <c>tokenizer_3/</c> folder (spiece.model):
/// no begin token, <c>&lt;/s&gt;</c> appended, padded with <c>&lt;pad&gt;</c>. Special-token text typed into a
/// prompt (<c>&lt;/s&gt;</c>, <c>&lt;extra_id_0&gt;</c>) is tokenized as plain text, unlike transformers.
/// </summary>
public sealed class T5Tokenizer
{
    /// <summary>SD3's default <c>max_sequence_length</c>.</summary>
    public const int DefaultMaxLength = 256;

    private readonly SentencePieceTokenizer _sentencePiece;

    private T5Tokenizer(SentencePieceTokenizer sentencePiece, int eosId, int padId, int unkId, int maxLength)
    {
        _sentencePiece = sentencePiece;
        EosId = eosId;
        PadId = padId;
        UnkId = unkId;
        MaxLength = maxLength;
    }

    /// <summary>Id of <c>&lt;/s&gt;</c> (1 in T5).</summary>
    public int EosId { get; }

    /// <summary>Id of <c>&lt;pad&gt;</c> (0 in T5).</summary>
    public int PadId { get; }

    /// <summary>Id of <c>&lt;unk&gt;</c> (2 in T5).</summary>
    public int UnkId { get; }

    /// <summary>Fixed output length, end token included.</summary>
    public int MaxLength { get; }

    /// <summary>Loads <c>spiece.model</c> from <paramref name="folder"/>.</summary>
    /// <exception cref="ModelFormatException">The model file is missing, unreadable or lacks unk/eos/pad pieces.</exception>
    public static T5Tokenizer FromFolder(string folder, int maxLength = DefaultMaxLength)
    {
        if (maxLength < 1) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "must be at least 1 (the end token).");
        var path = Path.Combine(folder, "spiece.model");
        var model = SentencePieceModelFile.Read(path);
        model.GiveBosAPlaceholder();
        try
        {
            using var stream = new MemoryStream(model.Bytes, writable: false);
            var sentencePiece = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
            return new T5Tokenizer(sentencePiece, model.EosId, model.PadId, model.UnkId, maxLength);
        }
        catch (Exception error) when (error is not ModelFormatException)
        {
            throw new ModelFormatException(path, $"Microsoft.ML.Tokenizers could not load it: {error.Message}", inner: error);
        }
    }

    /// <summary>Tokenizes one prompt to exactly <see cref="MaxLength"/> ids: text (cut if needed), end, padding.</summary>
    public TokenizedPrompt Encode(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var ids = _sentencePiece.EncodeToIds(prompt, addBeginningOfSentence: false, addEndOfSentence: false);
        return TokenizedPrompt.Frame(FuseUnknowns(ids), bos: null, EosId, PadId, MaxLength);
    }

    // SentencePiece itself emits one <unk> for a run of unknown characters; Microsoft.ML emits one per character.
    private List<int> FuseUnknowns(IReadOnlyList<int> ids)
    {
        var fused = new List<int>(ids.Count);
        foreach (var id in ids)
            if (id != UnkId || fused.Count == 0 || fused[^1] != UnkId) fused.Add(id);
        return fused;
    }
}
