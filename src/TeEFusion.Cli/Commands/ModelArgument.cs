using TeEFusion.Core.Pipelines;

namespace TeEFusion.Cli.Commands;

/// <summary>The --model option of the commands that load a model: a given folder, or the bundled one when none is given.</summary>
internal static class ModelArgument
{
    /// <summary>The full path of <paramref name="model"/>, or of the bundled model (said on <paramref name="stderr"/>) when it is null.</summary>
    /// <exception cref="DirectoryNotFoundException">No model given and none bundled; the message names the places searched.</exception>
    public static string Resolve(string? model, TextWriter stderr)
    {
        if (!string.IsNullOrWhiteSpace(model)) return Path.GetFullPath(model);
        var bundled = BundledModel.Locate();
        stderr.WriteLine($"no --model given: using the bundled model at {bundled}");
        return bundled;
    }
}
