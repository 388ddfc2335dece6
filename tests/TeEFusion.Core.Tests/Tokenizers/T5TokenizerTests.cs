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
}
