namespace TeEFusion.Tooling.RandomModels;

// A deterministic CLIP-format byte-level BPE vocabulary of a chosen size, laid out like CLIP's: the 256 byte symbols,
// the same with the end-of-word marker, one token per merge in merge order, then <|startoftext|> and
// <|endoftext|> as the last two ids (49406 and 49407 at CLIP's size). The merges are letter n-grams,
// shortest first, so every merge joins two existing tokens into the next new token.
internal sealed class ClipBpeVocabulary
{
    public const string StartToken = "<|startoftext|>";
    public const string EndToken = "<|endoftext|>";
    public const string EndOfWord = "</w>";

    private const int ByteSymbols = 256;
    private const string Letters = "abcdefghijklmnopqrstuvwxyz";

    private ClipBpeVocabulary(List<string> tokens, List<(string Left, string Right)> merges)
    {
        Tokens = tokens;
        Merges = merges;
    }

    // Tokens in id order.
    public IReadOnlyList<string> Tokens { get; }

    // Merges in rank order; merge i creates token 2·256 + i.
    public IReadOnlyList<(string Left, string Right)> Merges { get; }

    public int StartId => Tokens.Count - 2;

    public int EndId => Tokens.Count - 1;

    public static ClipBpeVocabulary Create(int size)
    {
        var mergeCount = size - 2 * ByteSymbols - 2;
        if (mergeCount < 0)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"a byte-level CLIP vocabulary needs at least {2 * ByteSymbols + 2} tokens.");

        var symbols = ByteSymbolsInClipOrder();
        var tokens = new List<string>(size);
        tokens.AddRange(symbols);
        tokens.AddRange(symbols.Select(s => s + EndOfWord));
        var merges = new List<(string, string)>(mergeCount);

        // Level by level: every word-internal n-gram of the previous level is extended by one letter, both as a
        // word-internal token and as a word-final one. Letters are their own byte symbols in CLIP's byte map.
        var prefixes = Letters.Select(c => c.ToString()).ToList();
        while (merges.Count < mergeCount)
        {
            var next = new List<string>(prefixes.Count * Letters.Length);
            foreach (var prefix in prefixes)
            {
                foreach (var letter in Letters)
                {
                    if (merges.Count == mergeCount) break;
                    merges.Add((prefix, letter + EndOfWord));
                    tokens.Add(prefix + letter + EndOfWord);
                    if (merges.Count == mergeCount) break;
                    merges.Add((prefix, letter.ToString()));
                    tokens.Add(prefix + letter);
                    next.Add(prefix + letter);
                }
            }
            prefixes = next;
        }
        tokens.Add(StartToken);
        tokens.Add(EndToken);
        return new ClipBpeVocabulary(tokens, merges);
    }

    // The byte symbols, then for each word the merges that make it one token. A word's segmentation is simulated with the
    // merges so far (lowest rank first, as BPE applies them) and its first two pieces are joined until one is left. Merges
    // are only appended, so an earlier word still meets its own, lower-ranked merges first and stays one token; writing
    // each word's letters left to right instead lets another word's merge pre-empt them ("g r" of "green" in "background").
    public static ClipBpeVocabulary FromWords(IEnumerable<string> words)
    {
        var symbols = ByteSymbolsInClipOrder();
        var tokens = new List<string>(symbols);
        tokens.AddRange(symbols.Select(s => s + EndOfWord));
        var known = tokens.ToHashSet(StringComparer.Ordinal);
        var merges = new List<(string, string)>();
        var ranks = new Dictionary<(string, string), int>();
        foreach (var word in words)
        {
            if (word.Length == 0 || word.Any(c => !Letters.Contains(c)))
                throw new ArgumentException($"vocabulary words must be lowercase ASCII letters; got '{word}'.", nameof(words));
            for (var pieces = Segment(word, ranks); pieces.Count > 1; pieces = Segment(word, ranks))
            {
                ranks[(pieces[0], pieces[1])] = merges.Count;
                merges.Add((pieces[0], pieces[1]));
                if (known.Add(pieces[0] + pieces[1])) tokens.Add(pieces[0] + pieces[1]);
            }
        }
        tokens.Add(StartToken);
        tokens.Add(EndToken);
        return new ClipBpeVocabulary(tokens, merges);
    }

    // CLIP's bpe(): the word's letters with the end-of-word marker on the last, then repeatedly the lowest-ranked
    // adjacent pair merged wherever it occurs.
    private static List<string> Segment(string word, Dictionary<(string, string), int> ranks)
    {
        var pieces = word.Select(c => c.ToString()).ToList();
        pieces[^1] += EndOfWord;
        while (pieces.Count > 1)
        {
            var (best, bestRank) = (-1, int.MaxValue);
            for (var i = 0; i + 1 < pieces.Count; i++)
            {
                if (ranks.TryGetValue((pieces[i], pieces[i + 1]), out var rank) && rank < bestRank) (best, bestRank) = (i, rank);
            }
            if (best < 0) break;
            var (left, right) = (pieces[best], pieces[best + 1]);
            var merged = new List<string>(pieces.Count);
            for (var i = 0; i < pieces.Count; i++)
            {
                if (i + 1 < pieces.Count && pieces[i] == left && pieces[i + 1] == right) merged.Add(left + pieces[++i]);
                else merged.Add(pieces[i]);
            }
            pieces = merged;
        }
        return pieces;
    }

    // merges.txt as transformers reads it: a "#version" header line, then one "left right" pair per line.
    public string MergesText() => "#version: 0.2\n" + string.Concat(Merges.Select(m => $"{m.Left} {m.Right}\n"));

    // GPT-2/CLIP's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the others map to U+0100 onwards;
    // the vocabulary lists the printable ones first, then the remapped ones in byte order.
    private static List<string> ByteSymbolsInClipOrder()
    {
        static bool Printable(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
        var symbols = Enumerable.Range(0, ByteSymbols).Where(Printable).Select(b => ((char)b).ToString()).ToList();
        var shifted = 0;
        for (var b = 0; b < ByteSymbols; b++)
        {
            if (!Printable(b)) symbols.Add(((char)(ByteSymbols + shifted++)).ToString());
        }
        return symbols;
    }
}
