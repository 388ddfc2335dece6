namespace TeEFusion.Tests.Shared;

/// <summary>The checked-out repository the tests run in: the folder above the test assembly that holds TeEFusion.Service.sln.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "TeEFusion.Service.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("TeEFusion.Service.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Path => Root.Value;

    /// <summary>The text of <paramref name="relative"/> (forward slashes, from the repository root).</summary>
    public static string ReadText(string relative) => File.ReadAllText(System.IO.Path.Combine(Path, relative));
}
