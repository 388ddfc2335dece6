namespace TeEFusion.Tooling.Shapes;

/// <summary>
/// The words the tiny-shapes tokenizers hold as one token each: the canonical captions' words first (so a vocabulary
/// grown from an older one keeps every old token's id), then the two-object captions', the training phrasings' and the
/// wording split's words. Any other text still tokenizes: CLIP's byte-level BPE falls back to sub-words and the 256 byte
/// symbols, which the vocabulary always holds. The wording split's words never occur in training, so to the model they
/// are as new as any word a user invents (every row of the frozen, random encoders is equally meaningless until the
/// transformer learns to read it); holding them as one token each only keeps a wording caption within
/// <see cref="MaxTokens"/>, where spelled out in sub-words most would be cut.
/// </summary>
public static class ShapeVocabulary
{
    /// <summary>
    /// CLIP positions of the tiny-shapes text encoders, begin and end token included. The longest training caption
    /// takes fewer (a test checks); a longer prompt keeps its first 30 text tokens and the end token, as CLIP cuts.
    /// </summary>
    public const int MaxTokens = 32;

    /// <summary>The positions of the first bundled build (12-word captions), which warm starts extend.</summary>
    public const int CanonicalMaxTokens = 16;

    /// <summary>The canonical single-object captions' words in first-use order: the first bundled build's vocabulary.</summary>
    public static IReadOnlyList<string> CanonicalWords { get; } = ShapeAttributes.All
        .SelectMany(a => a.Caption.Split(' '))
        .Distinct(StringComparer.Ordinal)
        .ToArray();

    /// <summary><see cref="CanonicalWords"/>, then every other word of two-object, training and wording captions, in first-use order.</summary>
    public static IReadOnlyList<string> Words { get; } = CanonicalWords
        .Concat(Enum.GetValues<ShapeRelation>().SelectMany(r => ShapeCaptionText.Words(ShapeRelations.Phrase(r))))
        .Concat(ShapePhrasings.Training.Words())
        .Concat(ShapePhrasings.Wording.Words())
        .Distinct(StringComparer.Ordinal)
        .ToArray();
}
