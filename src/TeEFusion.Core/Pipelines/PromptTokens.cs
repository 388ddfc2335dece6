using TeEFusion.Core.Tokenizers;

namespace TeEFusion.Core.Pipelines;

/// <summary>A batch of prompts as token ids for the three encoders, with truncation warnings.</summary>
/// <param name="ClipL">tokenizer ids, one per prompt.</param>
/// <param name="ClipG">tokenizer_2 ids, one per prompt.</param>
/// <param name="T5">tokenizer_3 ids, one per prompt; null when the model has no T5.</param>
/// <param name="Warnings">Per prompt, one line for each tokenizer that cut its text.</param>
public sealed record PromptTokens(TokenizedPrompt[] ClipL, TokenizedPrompt[] ClipG, TokenizedPrompt[]? T5, IReadOnlyList<string>[] Warnings)
{
    public int BatchSize => ClipL.Length;

    /// <summary>The warnings as user-facing lines: "prompt (CLIP-L): …", numbered by sample in a larger batch.</summary>
    public IEnumerable<string> Describe(string role) => Warnings.SelectMany((lines, i) =>
        lines.Select(line => BatchSize == 1 ? $"{role} {line}" : $"{role} {i} {line}"));
}
