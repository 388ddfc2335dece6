using TeEFusion.Core.IO;
using TeEFusion.Core.Tokenizers;

namespace TeEFusion.Core.Tests.Tokenizers;

public class ClipTokenizerTests
{
    private static string Folder(string name) => Path.Combine(TokenizerFixtures.Root, "clip", name);

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var folder in new[] { "tokenizer", "tokenizer_2" })
            for (var i = 0; i < TokenizerFixtures.Clip(folder).Count; i++) data.Add(folder, i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReferenceIds(string folder, int row)
    {
        var expected = TokenizerFixtures.Clip(folder)[row];
        var actual = ClipTokenizer.FromFolder(Folder(folder)).Encode(expected.Prompt);
        Assert.Equal(expected.Ids, actual.Ids);
        Assert.Equal(expected.TokenCount, actual.TokenCount);
        Assert.Equal(expected.Truncated, actual.Truncated);
    }

    [Fact]
    public void EmptyPromptIsBeginEndThenPad()
    {
        var vocab = ReadVocab("tokenizer_2");
        var ids = ClipTokenizer.FromFolder(Folder("tokenizer_2")).Encode("").Ids;
        Assert.Equal(77, ids.Length);
        Assert.Equal(vocab["<|startoftext|>"], ids[0]);
        Assert.Equal(vocab["<|endoftext|>"], ids[1]);
        Assert.All(ids[2..], id => Assert.Equal(vocab["!"], id));
    }

    [Theory]
    [InlineData("tokenizer", "<|endoftext|>")]
    [InlineData("tokenizer_2", "!")]
    public void PadTokenComesFromTheFolder(string folder, string pad)
    {
        var tokenizer = ClipTokenizer.FromFolder(Folder(folder));
        Assert.Equal(ReadVocab(folder)[pad], tokenizer.PadId);
        Assert.Equal(tokenizer.PadId, tokenizer.Encode("a red circle").Ids[^1]);
    }

    [Fact]
    public void LongPromptIsCutKeepingEndTokenAndSaysSo()
    {
        var tokenizer = ClipTokenizer.FromFolder(Folder("tokenizer"));
        var prompt = string.Join(' ', Enumerable.Repeat("a red circle", 40));
        var result = tokenizer.Encode(prompt);
        Assert.True(result.Truncated);
        Assert.Equal(tokenizer.EosId, result.Ids[76]);
        Assert.Equal(40 * 3 + 2, result.TokenCount);
        Assert.Contains("truncated to 77 tokens", result.Warning);
        Assert.Null(tokenizer.Encode("a red circle").Warning);
    }

    [Fact]
    public void MaxLengthCanBeOverridden()
    {
        var result = ClipTokenizer.FromFolder(Folder("tokenizer"), maxLength: 8).Encode("a small red circle at the top left");
        Assert.Equal(8, result.Ids.Length);
        Assert.True(result.Truncated);
        Assert.Equal(new long[] { result.Ids[0], result.Ids[1] }, result.ToInt64()[..2]);
    }

    [Theory]
    [InlineData("vocab.json")]
    [InlineData("merges.txt")]
    public void MissingFileIsNamed(string file)
    {
        var folder = TokenizerFixtures.CopyToTemp(Path.Combine("clip", "tokenizer"));
        File.Delete(Path.Combine(folder, file));
        var error = Assert.Throws<ModelFormatException>(() => ClipTokenizer.FromFolder(folder));
        Assert.EndsWith(file, error.File);
    }

    [Fact]
    public void MissingSpecialTokenFilesAreAnError()
    {
        var folder = TokenizerFixtures.CopyToTemp(Path.Combine("clip", "tokenizer_2"));
        File.Delete(Path.Combine(folder, "tokenizer_config.json"));
        File.Delete(Path.Combine(folder, "special_tokens_map.json"));
        var error = Assert.Throws<ModelFormatException>(() => ClipTokenizer.FromFolder(folder));
        Assert.Contains("special_tokens_map.json", error.Message);
    }

    [Fact]
    public void BrokenJsonIsNamed()
    {
        var folder = TokenizerFixtures.CopyToTemp(Path.Combine("clip", "tokenizer"));
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), "{ \"pad_token\": ");
        var error = Assert.Throws<ModelFormatException>(() => ClipTokenizer.FromFolder(folder));
        Assert.EndsWith("tokenizer_config.json", error.File);
    }

    [Fact]
    public void PadTokenMissingFromVocabularyIsNamed()
    {
        var folder = TokenizerFixtures.CopyToTemp(Path.Combine("clip", "tokenizer"));
        File.WriteAllText(Path.Combine(folder, "special_tokens_map.json"), "{ \"pad_token\": \"<pad>\" }");
        var error = Assert.Throws<ModelFormatException>(() => ClipTokenizer.FromFolder(folder));
        Assert.Contains("pad_token '<pad>'", error.Message);
    }

    private static Dictionary<string, int> ReadVocab(string folder) =>
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(Folder(folder), "vocab.json")))!;
}
