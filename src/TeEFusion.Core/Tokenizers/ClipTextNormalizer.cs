// Mirrors transformers models/clip/tokenization_clip.py CLIPTokenizer._tokenize without ftfy:
// BasicTokenizer(strip_accents=False, do_split_on_punc=False), then lower case.
using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace TeEFusion.Core.Tokenizers;

/// <summary>CLIP's text clean-up: drop control characters, space out CJK, NFC, collapse whitespace, lower-case.</summary>
internal sealed class ClipTextNormalizer : Normalizer
{
    public static ClipTextNormalizer Instance { get; } = new();

    public override string Normalize(string original) => Clean(original);

    public override string Normalize(ReadOnlySpan<char> original) => Clean(original.ToString());

    internal static string Clean(string text)
    {
        var cleaned = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (rune.Value is 0 or 0xFFFD) continue;
            if (rune.Value is '\t' or '\n' or '\r' || category == UnicodeCategory.SpaceSeparator) cleaned.Append(' ');
            else if (IsOtherCategory(category)) continue;
            else if (IsCjk(rune.Value)) cleaned.Append(' ').Append(rune.ToString()).Append(' ');
            else cleaned.Append(rune.ToString());
        }

        var words = SplitOnWhiteSpace(cleaned.ToString().Normalize(NormalizationForm.FormC));
        // Python's str.lower per word; ToLowerInvariant differs only on a few special cases (final sigma, 'İ').
        return string.Join(' ', words.Select(w => w.ToLowerInvariant()));
    }

    // Python's str.split(): runs of any Unicode white space separate words, ends are dropped.
    private static IEnumerable<string> SplitOnWhiteSpace(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var space = i == text.Length || char.IsWhiteSpace(text[i]);
            if (space && start >= 0)
            {
                yield return text[start..i];
                start = -1;
            }
            else if (!space && start < 0) start = i;
        }
    }

    // transformers' _is_control: every "C*" category (tab, newline and carriage return were handled before).
    private static bool IsOtherCategory(UnicodeCategory category) => category is UnicodeCategory.Control
        or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
        or UnicodeCategory.OtherNotAssigned;

    private static bool IsCjk(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF
            or >= 0x2A700 and <= 0x2B73F or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF
            or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
