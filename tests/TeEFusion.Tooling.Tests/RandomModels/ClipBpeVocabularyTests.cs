using System.Text.Json;
using TeEFusion.Core.Tokenizers;
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
}
