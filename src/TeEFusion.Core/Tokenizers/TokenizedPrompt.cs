namespace TeEFusion.Core.Tokenizers;

/// <summary>
/// A prompt as fixed-length token ids: specials added, cut to <see cref="MaxLength"/> with the end token kept
/// last, then padded. <see cref="TokenCount"/> is the length the prompt would have had without the cut.
/// </summary>
public sealed record TokenizedPrompt(int[] Ids, int TokenCount, int MaxLength)
{
    /// <summary>True when the prompt did not fit and its tail was dropped.</summary>
    public bool Truncated => TokenCount > MaxLength;

    /// <summary>A user-facing note when the prompt was cut, else null.</summary>
    public string? Warning => Truncated
        ? $"prompt truncated to {MaxLength} tokens (it had {TokenCount}); the end of the prompt was ignored"
        : null;

    /// <summary>The ids as 64-bit integers, the dtype the text encoders' embedding lookup takes.</summary>
    public long[] ToInt64() => Array.ConvertAll(Ids, id => (long)id);

    /// <summary>Frames body ids the way transformers does with truncation=True, padding="max_length".</summary>
    internal static TokenizedPrompt Frame(IReadOnlyList<int> body, int? bos, int eos, int pad, int maxLength)
    {
        var specials = (bos is null ? 0 : 1) + 1;
        if (maxLength < specials)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"must leave room for {specials} special tokens.");
        var ids = new int[maxLength];
        Array.Fill(ids, pad);
        var at = 0;
        if (bos is int b) ids[at++] = b;
        var kept = Math.Min(body.Count, maxLength - specials);
        for (var i = 0; i < kept; i++) ids[at++] = body[i];
        ids[at] = eos;
        return new TokenizedPrompt(ids, body.Count + specials, maxLength);
    }
}
