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
}
