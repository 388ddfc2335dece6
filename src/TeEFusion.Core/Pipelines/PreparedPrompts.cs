namespace TeEFusion.Core.Pipelines;

/// <summary>
/// The tokenize phase's output for a batch: the prompts' tokens, the null/negative prompt of each sample, and the
/// tokens of those negatives that were not cached.
/// </summary>
/// <param name="Prompts">The prompts, one per sample.</param>
/// <param name="Negatives">The null ("") or negative prompt of each sample.</param>
/// <param name="UncachedNegatives">The distinct negative texts whose embeddings must be computed, in order.</param>
/// <param name="UncachedNegativeTokens">Their tokens, or null when every negative was cached.</param>
/// <param name="Warnings">Truncation warnings for the prompts and negatives (cached ones included).</param>
public sealed record PreparedPrompts(
    PromptTokens Prompts,
    IReadOnlyList<string> Negatives,
    IReadOnlyList<string> UncachedNegatives,
    PromptTokens? UncachedNegativeTokens,
    IReadOnlyList<string> Warnings);
