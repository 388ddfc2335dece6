using TeEFusion.Core.IO;
using TeEFusion.Core.Tokenizers;

namespace TeEFusion.Core.Tests.Tokenizers;

public class T5TokenizerTests
{
    private static string Folder => Path.Combine(TokenizerFixtures.Root, "t5", "tokenizer_3");

    public static TheoryData<int> Rows()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < TokenizerFixtures.T5().Rows.Count; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void MatchesSentencePieceIds(int row)
    {
        var (maxLength, rows) = TokenizerFixtures.T5();
        var actual = T5Tokenizer.FromFolder(Folder, maxLength).Encode(rows[row].Prompt);
        Assert.Equal(rows[row].Ids, actual.Ids);
        Assert.Equal(rows[row].TokenCount, actual.TokenCount);
        Assert.Equal(rows[row].Truncated, actual.Truncated);
    }

    [Fact]
    public void EmptyPromptIsEndThenPad()
    {
        var ids = T5Tokenizer.FromFolder(Folder).Encode("").Ids;
        Assert.Equal(T5Tokenizer.DefaultMaxLength, ids.Length);
        Assert.Equal(1, ids[0]);
        Assert.All(ids[1..], id => Assert.Equal(0, id));
    }

    [Fact]
    public void SpecialIdsAreReadFromTheModel()
    {
        var tokenizer = T5Tokenizer.FromFolder(Folder);
        Assert.Equal((1, 0, 2), (tokenizer.EosId, tokenizer.PadId, tokenizer.UnkId));
    }

    [Fact]
    public void LongPromptIsCutKeepingEndToken()
    {
        var result = T5Tokenizer.FromFolder(Folder, maxLength: 4).Encode("a small red circle");
        Assert.True(result.Truncated);
        Assert.Equal(4, result.Ids.Length);
        Assert.Equal(1, result.Ids[3]);
        Assert.Contains("truncated to 4 tokens", result.Warning);
    }

    [Fact]
    public void MissingModelIsNamed()
    {
        var error = Assert.Throws<ModelFormatException>(() => T5Tokenizer.FromFolder(Path.Combine(TokenizerFixtures.Root, "t5")));
        Assert.EndsWith("spiece.model", error.File);
    }

    [Fact]
    public void GarbageModelIsNamed()
    {
        var folder = Directory.CreateTempSubdirectory("teefusion-t5-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "spiece.model"), [0x0a, 0xff, 0xff, 0x01, 0x02]);
            var error = Assert.Throws<ModelFormatException>(() => T5Tokenizer.FromFolder(folder));
            Assert.EndsWith("spiece.model", error.File);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
