namespace TeEFusion.Tests.Shared;

/// <summary>
/// The documentation a newcomer reads from the repository root: README.md, then every page of docs/ by name. Their
/// shell blocks are held to the same checks, wherever a command lives.
/// </summary>
public static class DocumentationPages
{
    public const string Readme = "README.md";

    /// <summary>Paths from the repository root (forward slashes), README.md first.</summary>
    public static IReadOnlyList<string> Paths { get; } =
    [
        Readme,
        .. Directory.EnumerateFiles(System.IO.Path.Combine(RepositoryRoot.Path, "docs"), "*.md")
            .Select(file => "docs/" + System.IO.Path.GetFileName(file)).Order(StringComparer.Ordinal),
    ];

    /// <summary>Every command of every page's bash blocks, with its page, in reading order.</summary>
    public static IReadOnlyList<(string Page, ShellCommand Command)> Commands { get; } =
        Paths.SelectMany(page => MarkdownShellBlocks.Commands(RepositoryRoot.ReadText(page)).Select(command => (page, command))).ToList();
}
