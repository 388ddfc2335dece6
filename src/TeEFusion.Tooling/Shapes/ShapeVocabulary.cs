namespace TeEFusion.Tooling.Shapes;

/// <summary>The words of every scene caption: the tiny-shapes tokenizers hold each as one token.</summary>
public static class ShapeVocabulary
{
    /// <summary>CLIP positions of the tiny-shapes text encoders: the longest caption (12 words) plus begin and end, with room.</summary>
    public const int MaxTokens = 16;

    /// <summary>Distinct caption words in first-use order.</summary>
    public static IReadOnlyList<string> Words { get; } = ShapeAttributes.All
        .SelectMany(a => a.Caption.Split(' '))
        .Distinct(StringComparer.Ordinal)
        .ToArray();
}
