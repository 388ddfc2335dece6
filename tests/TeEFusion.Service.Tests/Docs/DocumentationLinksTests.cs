using System.Text.RegularExpressions;
using TeEFusion.Service.Tests.Fixtures;
using TeEFusion.Tests.Shared;

namespace TeEFusion.Service.Tests.Docs;

/// <summary>
/// Every relative link of the README and of docs/ leads somewhere: the file or folder exists, and an anchor into a
/// Markdown page names one of its headings (as GitHub makes anchors of them).
/// </summary>
public sealed partial class DocumentationLinksTests
{
    [Fact]
    public void Every_relative_link_of_the_readme_and_docs_resolves()
    {
        var problems = new List<string>();
        var checkedLinks = 0;

        foreach (var page in DocumentationPages.Paths)
        {
            var text = FencedBlock().Replace(RepositoryFiles.Text(page), "");
            foreach (var target in Link().Matches(text).Select(m => m.Groups["target"].Value).Where(t => !Scheme().IsMatch(t)))
            {
                checkedLinks++;
                var (file, anchor) = target.IndexOf('#') is var hash and >= 0 ? (target[..hash], target[(hash + 1)..]) : (target, null);
                var path = file.Length == 0 ? page : Path.GetRelativePath(RepositoryFiles.Root, Path.GetFullPath(Path.Combine(RepositoryFiles.Root, Path.GetDirectoryName(page)!, file)));
                var full = RepositoryFiles.Path(path);
                if (!File.Exists(full) && !Directory.Exists(full)) problems.Add($"{page}: ({target}) leads to no file or folder");
                else if (anchor is not null && !Anchors(path).Contains(anchor)) problems.Add($"{page}: ({target}): {path} has no heading #{anchor}");
            }
        }

        Assert.True(checkedLinks > 20, $"only {checkedLinks} relative links found");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("## The recipe", "the-recipe")]
    [InlineData("## Debian 12 and TorchSharp's native library", "debian-12-and-torchsharps-native-library")]
    [InlineData("### `teefusion bench transformer`: ms per step", "teefusion-bench-transformer-ms-per-step")]
    public void Anchors_are_made_of_headings_as_github_makes_them(string heading, string anchor) =>
        Assert.Equal(anchor, Anchor(heading));

    private static HashSet<string> Anchors(string markdownPath) => Heading().Matches(FencedBlock().Replace(RepositoryFiles.Text(markdownPath), ""))
        .Select(m => Anchor(m.Value)).ToHashSet();

    // GitHub: drop the #s, lower-case, keep letters, digits, spaces, '-' and '_', then spaces become '-'.
    private static string Anchor(string heading) =>
        new string(heading.TrimStart('#').Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_').ToArray()).Replace(' ', '-');

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^#{1,6} .+$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
