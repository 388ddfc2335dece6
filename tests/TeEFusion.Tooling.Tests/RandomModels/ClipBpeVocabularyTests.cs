using System.Text.Json;
using TeEFusion.Core.Tokenizers;
using TeEFusion.Tooling.Benchmarks;
using TeEFusion.Tooling.RandomModels;
using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Tooling.Tests.RandomModels;

/// <summary>The generated CLIP vocabulary, read back from the written files (not from the generator's lists).</summary>
public sealed class ClipBpeVocabularyTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "teefusion-vocab-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private string Write(int size, string pad = ClipBpeVocabulary.EndToken)
    {
        var folder = Path.Combine(_root, $"{size}-{pad.Length}");
        TokenizerFolders.WriteClip(folder, ClipBpeVocabulary.Create(size), pad);
        return folder;
    }

    [Fact]
    public void A_word_vocabulary_encodes_each_listed_word_as_one_token_and_other_text_by_bytes()
    {
        var folder = Path.Combine(_root, "words");
        TokenizerFolders.WriteClip(folder, ClipBpeVocabulary.FromWords(["red", "circle", "a"]), ClipBpeVocabulary.EndToken, maxLength: 16);
        var tokenizer = ClipTokenizer.FromFolder(folder);

        var words = tokenizer.Encode("a red circle");
        var unknown = tokenizer.Encode("cube");

        Assert.Equal(16, tokenizer.MaxLength);
        Assert.Equal(5, words.TokenCount);
        Assert.Equal(6, unknown.TokenCount);
        Assert.Throws<ArgumentException>(() => ClipBpeVocabulary.FromWords(["Red"]));
    }

    [Fact]
    public void Every_shape_caption_is_one_token_per_word_even_where_words_share_letter_pairs()
    {
        var folder = Path.Combine(_root, "shapes");
        TokenizerFolders.WriteClip(folder, ClipBpeVocabulary.FromWords(ShapeVocabulary.Words), ClipBpeVocabulary.EndToken, maxLength: 16);
        var tokenizer = ClipTokenizer.FromFolder(folder);

        // "green" before "background" once made "g r" pre-empt the merges of "background" (it took three tokens).
        Assert.Equal(3, tokenizer.Encode("background").TokenCount);
        Assert.All(ShapeAttributes.All, attributes =>
            Assert.Equal(attributes.Caption.Split(' ').Length + 2, tokenizer.Encode(attributes.Caption).TokenCount));
    }

    [Theory]
    [InlineData(514)]
    [InlineData(768)]
    [InlineData(49408)]
    public void FilesHoldAValidByteLevelBpeOfTheRequestedSize(int size)
    {
        var folder = Write(size);
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(folder, "vocab.json")))!;
        Assert.Equal(size, vocab.Count);
        Assert.Equal(Enumerable.Range(0, size), vocab.Values.Order());
        Assert.Equal(size - 2, vocab["<|startoftext|>"]);
        Assert.Equal(size - 1, vocab["<|endoftext|>"]);
        Assert.Equal(0, vocab["!"]);
        Assert.Equal(256, vocab["!</w>"]);
        Assert.Equal(255, vocab["\u0143"]); // the last remapped byte (0xAD, soft hyphen) in CLIP's byte map

        var lines = File.ReadAllText(Path.Combine(folder, "merges.txt")).Split('\n');
        Assert.Equal("#version: 0.2", lines[0]);
        var merges = lines.Skip(1).Where(l => l.Length > 0).ToList();
        Assert.Equal(size - 514, merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var parts = merges[rank].Split(' ');
            Assert.Equal(2, parts.Length);
            // Both halves exist before the merge that uses them, and the merge creates exactly the next id.
            Assert.True(vocab.TryGetValue(parts[0], out var left) && left < 512 + rank, merges[rank]);
            Assert.True(vocab.TryGetValue(parts[1], out var right) && right < 512 + rank, merges[rank]);
            Assert.Equal(512 + rank, vocab[parts[0] + parts[1]]);
        }
    }

    [Fact]
    public void ClipSizeFillsTransformersMergeLimitExactly()
    {
        // transformers' CLIPTokenizer reads at most 49152 - 256 - 2 = 48894 merges; CLIP's vocabulary uses all of them.
        Assert.Equal(48894, ClipBpeVocabulary.Create(49408).Merges.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => ClipBpeVocabulary.Create(513));
    }

    [Fact]
    public void ClipTokenizerSplitsWordsIntoTokensThatSpellThem()
    {
        var folder = Write(49408);
        var tokenizer = ClipTokenizer.FromFolder(folder);
        var tokens = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(folder, "vocab.json")))!
            .ToDictionary(p => p.Value, p => p.Key);

        var ids = tokenizer.Encode("A Photo of a CAT").Ids;
        Assert.Equal(49406, ids[0]);
        var end = Array.IndexOf(ids, 49407);
        var text = string.Concat(ids[1..end].Select(id => tokens[id]));
        Assert.Equal("a</w>photo</w>of</w>a</w>cat</w>", text);
        Assert.True(end - 1 < text.Length - 5 * "</w>".Length, "merges joined letters into longer tokens");
        Assert.All(ids[end..], id => Assert.Equal(49407, id));
    }

    [Fact]
    public void BigGLayoutPadsWithExclamationMarkAtIdZero()
    {
        var tokenizer = ClipTokenizer.FromFolder(Write(768, pad: "!"));
        Assert.Equal((766, 767, 0), (tokenizer.BosId, tokenizer.EosId, tokenizer.PadId));
        var ids = tokenizer.Encode("red").Ids;
        Assert.Equal(0, ids[^1]);
        Assert.Contains(767, ids);
    }
    [Fact]
    public void The_grown_shape_vocabulary_keeps_every_canonical_token_at_its_id_and_merge_at_its_rank()
    {
        var canonical = ClipBpeVocabulary.FromWords(ShapeVocabulary.CanonicalWords);
        var grown = ClipBpeVocabulary.FromWords(ShapeVocabulary.Words);

        Assert.Equal(canonical.Tokens.Take(canonical.StartId), grown.Tokens.Take(canonical.StartId));
        Assert.Equal(canonical.Merges, grown.Merges.Take(canonical.Merges.Count));
        Assert.True(grown.Tokens.Count > canonical.Tokens.Count);
    }

    [Fact]
    public void Every_training_caption_fits_the_shape_tokenizers_and_its_words_are_one_token_each()
    {
        var tokenizer = ShapeTokenizer(ShapeVocabulary.MaxTokens);
        var random = new Random(9);
        var pairs = ShapeSplits.Pairs(ShapeSplit.Seen);
        var captions = ShapeAttributes.All.Select(a => ShapePhrasings.Training.Caption(a, random))
            .Concat(Enumerable.Range(0, 3000).Select(_ => ShapePhrasings.Training.Caption(pairs[random.Next(pairs.Count)], random)));
        Assert.All(captions, caption => Assert.False(tokenizer.Encode(caption).Truncated, caption));
        Assert.All(ShapePhrasings.Training.Words(), word => Assert.Equal(3, tokenizer.Encode(word).TokenCount));
    }

    [Fact]
    public void Every_wording_split_caption_fits_the_shape_tokenizers_so_the_split_measures_wording_not_truncation()
    {
        var tokenizer = ShapeTokenizer(ShapeVocabulary.MaxTokens);
        var options = new ShapeBenchOptions { PromptsPerSplit = 400, Seeds = 1 };
        var prompts = new[] { ShapeBenchSplit.WordingSeen, ShapeBenchSplit.WordingHeldOut }
            .SelectMany(split => ShapeBench.Prompts(split, options));
        Assert.All(prompts, p => Assert.False(tokenizer.Encode(p.Caption).Truncated, $"{p.Caption}: {tokenizer.Encode(p.Caption).TokenCount} tokens"));
    }

    [Theory]
    [InlineData("An orange Disc, près du coin — 東京 🙂 zqxv!")]
    [InlineData("a small red circle at the top-left on an orange background.")]
    [InlineData("ÆØÅ café naïve \u00e9 x_y 42% <tag> \"quoted\"")]
    public void Any_text_tokenizes_without_dropping_a_character(string text)
    {
        var tokenizer = ShapeTokenizer(200);
        var vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(_root, "shape-200", "vocab.json")))!
            .ToDictionary(p => p.Value, p => p.Key);
        var prompt = tokenizer.Encode(text);

        // The ids between begin and end, mapped back through CLIP's byte symbols, spell the normalised text without spaces.
        var body = prompt.Ids.Skip(1).Take(prompt.TokenCount - 2).Select(id => vocabulary[id].Replace(ClipBpeVocabulary.EndOfWord, ""));
        var bytes = string.Concat(body).Select(ByteOfSymbol).ToArray();
        var expected = string.Concat(text.ToLowerInvariant().Normalize(System.Text.NormalizationForm.FormC).Where(c => !char.IsWhiteSpace(c)));
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(bytes));
    }

    private ClipTokenizer ShapeTokenizer(int maxLength)
    {
        var folder = Path.Combine(_root, $"shape-{maxLength}");
        if (!Directory.Exists(folder))
            TokenizerFolders.WriteClip(folder, ClipBpeVocabulary.FromWords(ShapeVocabulary.Words), ClipBpeVocabulary.EndToken, maxLength);
        return ClipTokenizer.FromFolder(folder);
    }

    // GPT-2/CLIP's bytes_to_unicode, inverted: printable Latin-1 bytes are themselves, the rest sit at U+0100 onwards in byte order.
    private static byte ByteOfSymbol(char symbol)
    {
        static bool Printable(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
        if (symbol < 0x100 && Printable(symbol)) return (byte)symbol;
        var shifted = symbol - 0x100;
        return (byte)Enumerable.Range(0, 256).Where(b => !Printable(b)).ElementAt(shifted);
    }
}
