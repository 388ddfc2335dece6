namespace TeEFusion.Core.IO;

/// <summary>
/// A model file that cannot be used as it is. The message always names the file, and the tensor or field
/// where there is one, so that a user can find the broken piece without a debugger.
/// </summary>
public sealed class ModelFormatException : Exception
{
    public ModelFormatException(string file, string message, string? tensor = null, Exception? inner = null)
        : base(Compose(file, tensor, message), inner)
    {
        File = file;
        Tensor = tensor;
    }

    /// <summary>The file at fault.</summary>
    public string File { get; }

    /// <summary>The tensor (or config field) at fault, where the fault is local to one.</summary>
    public string? Tensor { get; }

    private static string Compose(string file, string? tensor, string message) =>
        tensor is null ? $"{file}: {message}" : $"{file}: tensor '{tensor}': {message}";
}
