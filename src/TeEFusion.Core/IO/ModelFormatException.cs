namespace TeEFusion.Core.IO;

/// <summary>
/// A model file that cannot be used as it is. The message always names the file, and the tensor or config field
/// where there is one, so that a user can find the broken piece without a debugger.
/// </summary>
public sealed class ModelFormatException : Exception
{
    public ModelFormatException(string file, string message, string? tensor = null, Exception? inner = null)
        : this(file, tensor, field: null, message, inner)
    {
    }

    private ModelFormatException(string file, string? tensor, string? field, string message, Exception? inner)
        : base(Compose(file, tensor, field, message), inner)
    {
        File = file;
        Tensor = tensor;
        Field = field;
    }

    /// <summary>A fault in one field of a JSON file (a config or model_index.json); without a field, a whole-file fault.</summary>
    public static ModelFormatException ForField(string file, string? field, string message, Exception? inner = null) =>
        new(file, tensor: null, field, message, inner);

    private static string Compose(string file, string? tensor, string? field, string message) =>
        tensor is not null ? $"{file}: tensor '{tensor}': {message}"
        : field is not null ? $"{file}: field '{field}': {message}"
        : $"{file}: {message}";

    /// <summary>The file at fault.</summary>
    public string File { get; }

    /// <summary>The tensor at fault, where the fault is local to one.</summary>
    public string? Tensor { get; }

    /// <summary>The JSON field (config key or model_index.json component) at fault, where there is one.</summary>
    public string? Field { get; }
}
