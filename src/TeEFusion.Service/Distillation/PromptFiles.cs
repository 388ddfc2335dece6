namespace TeEFusion.Service.Distillation;

/// <summary>
/// Reads prompt files from Distillation:DataDirectory without letting a request reach outside it: rooted paths, `..`
/// segments and symbolic links that resolve outside the directory are refused.
/// </summary>
public static class PromptFiles
{
    /// <summary>The non-blank lines of <paramref name="relativePath"/>, or null with <paramref name="error"/> saying why.</summary>
    public static List<string>? Read(string dataDirectory, string relativePath, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(dataDirectory))
        {
            error = "prompts_file needs Distillation:DataDirectory to be configured.";
            return null;
        }
        if (relativePath.Length == 0 || Path.IsPathRooted(relativePath)
            || relativePath.Split('/', '\\').Any(segment => segment == ".."))
        {
            error = "prompts_file must be a relative path inside the data directory, without '..'.";
            return null;
        }
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory));
        var full = Path.GetFullPath(Path.Combine(root, relativePath));
        if (!Inside(root, full) || EscapesThroughLink(root, full))
        {
            error = "prompts_file must stay inside the data directory.";
            return null;
        }
        if (!File.Exists(full))
        {
            error = $"prompts_file '{relativePath}' does not exist in the data directory.";
            return null;
        }
        return File.ReadAllLines(full).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
    }

    private static bool Inside(string root, string path) =>
        path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    // Any link on the way from the root to the file must resolve inside the root too.
    private static bool EscapesThroughLink(string root, string full)
    {
        for (var current = full; current.Length > root.Length; current = Path.GetDirectoryName(current)!)
        {
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.LinkTarget is null) continue;
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !Inside(root, Path.GetFullPath(target.FullName))) return true;
        }
        return false;
    }
}
