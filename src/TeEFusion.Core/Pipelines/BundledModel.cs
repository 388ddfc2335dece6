using TeEFusion.Core.IO;

namespace TeEFusion.Core.Pipelines;

/// <summary>
/// Finds the small model the repository ships (models/tiny-shapes), used by the service and the CLI when no model is
/// configured. It is not copied into build outputs (about 50 MB per output): a container puts it next to the app
/// (AppContext.BaseDirectory/models/tiny-shapes), and a checkout finds it by walking up from the current directory, so
/// `dotnet run` from anywhere inside the repository works.
/// </summary>
public static class BundledModel
{
    /// <summary>Where the bundled model lives, relative to the app or to the repository root.</summary>
    public static readonly string RelativePath = Path.Combine("models", "tiny-shapes");

    /// <summary>The bundled model's folder, searched from the app's base directory and the current directory.</summary>
    /// <exception cref="DirectoryNotFoundException">No folder with a model_index.json was found; the message names the places searched.</exception>
    public static string Locate() => Locate(AppContext.BaseDirectory, Environment.CurrentDirectory);

    /// <summary>
    /// The first of <paramref name="baseDirectory"/>/models/tiny-shapes and <c>D</c>/models/tiny-shapes for
    /// <paramref name="currentDirectory"/> and each folder above it that holds a model_index.json, as a full path.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">None does; the message names the places searched.</exception>
    public static string Locate(string baseDirectory, string currentDirectory)
    {
        var besideApp = Path.GetFullPath(Path.Combine(baseDirectory, RelativePath));
        if (IsModel(besideApp)) return besideApp;
        var start = Path.GetFullPath(currentDirectory);
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, RelativePath);
            if (IsModel(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException(
            $"No bundled model found: looked for {ModelFolder.IndexFileName} in {besideApp} (beside the app) and in {RelativePath} of " +
            $"{start} and every folder above it. Set a model folder explicitly, or run from inside the repository.");
    }

    private static bool IsModel(string folder) => File.Exists(Path.Combine(folder, ModelFolder.IndexFileName));
}
