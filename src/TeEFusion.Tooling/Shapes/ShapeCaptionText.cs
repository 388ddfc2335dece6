using System.Text.RegularExpressions;

namespace TeEFusion.Tooling.Shapes;

/// <summary>Small text rules the caption phrasings share: articles and splitting a caption into words.</summary>
public static partial class ShapeCaptionText
{
    /// <summary>"a" or "an" before <paramref name="words"/>, by the first letter (every word the captions use is regular).</summary>
    public static string Indefinite(string words) => (StartsWithVowel(words) ? "an " : "a ") + words;

    /// <summary>Every "a"/"an" set right for the word after it: "a orange" → "an orange", "an blue" → "a blue".</summary>
    public static string FixArticles(string text) => Article().Replace(text, m =>
    {
        var article = StartsWithVowel(m.Groups[2].Value) ? "an" : "a";
        if (char.IsUpper(m.Groups[1].Value[0])) article = char.ToUpperInvariant(article[0]) + article[1..];
        return article + " " + m.Groups[2].Value;
    });

    /// <summary>The lower-case letter runs of <paramref name="text"/>: what the tokenizer sees as words, punctuation dropped.</summary>
    public static IEnumerable<string> Words(string text) => Word().Matches(text.ToLowerInvariant()).Select(m => m.Value);

    /// <summary>A made-up word of 3 to 6 consonants: noise the model learns to ignore, never a word of either phrasing set.</summary>
    public static string NoiseWord(Random random)
    {
        const string consonants = "bcdfghjklmnpqrstvwxz";
        return new string(Enumerable.Range(0, random.Next(3, 7)).Select(_ => consonants[random.Next(consonants.Length)]).ToArray());
    }

    private static bool StartsWithVowel(string words) => words.Length > 0 && "aeiou".Contains(char.ToLowerInvariant(words[0]));

    [GeneratedRegex(@"\b([Aa]n?) ([A-Za-z]\w*)", RegexOptions.CultureInvariant)]
    private static partial Regex Article();

    [GeneratedRegex(@"[a-z{}]+", RegexOptions.CultureInvariant)]
    private static partial Regex Word();
}
