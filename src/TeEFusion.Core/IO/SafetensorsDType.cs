using static TorchSharp.torch;

namespace TeEFusion.Core.IO;

// The safetensors dtype names and how they map onto TorchSharp scalar types.
internal static class SafetensorsDType
{
    private static readonly Dictionary<string, ScalarType> Supported = new(StringComparer.Ordinal)
    {
        ["F64"] = ScalarType.Float64,
        ["F32"] = ScalarType.Float32,
        ["F16"] = ScalarType.Float16,
        ["BF16"] = ScalarType.BFloat16,
        ["I64"] = ScalarType.Int64,
        ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16,
        ["I8"] = ScalarType.Int8,
        ["U8"] = ScalarType.Byte,
        ["BOOL"] = ScalarType.Bool,
    };

    // Every byte-sized dtype of the format, so that a header naming one we cannot load (e.g. an fp8 checkpoint)
    // still validates, opens for inspection, and fails only when such a tensor is read.
    private static readonly Dictionary<string, int> ElementSizes = new(StringComparer.Ordinal)
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2,
        ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1,
        ["U64"] = 8, ["U32"] = 4, ["U16"] = 2, ["U8"] = 1, ["BOOL"] = 1,
        ["F8_E4M3"] = 1, ["F8_E5M2"] = 1, ["F8_E8M0"] = 1, ["C64"] = 8,
    };

    private static readonly Dictionary<ScalarType, string> Names = Supported.ToDictionary(pair => pair.Value, pair => pair.Key);

    public static string SupportedList => string.Join(", ", Supported.Keys);

    public static bool TryGetElementSize(string dtype, out int size) => ElementSizes.TryGetValue(dtype, out size);

    public static bool TryGetScalarType(string dtype, out ScalarType type) => Supported.TryGetValue(dtype, out type);

    public static ScalarType ToScalarType(string dtype, string file, string tensor) =>
        Supported.TryGetValue(dtype, out var type)
            ? type
            : throw new ModelFormatException(file, $"unsupported dtype '{dtype}'; supported: {SupportedList}.", tensor);

    public static string FromScalarType(ScalarType type, string tensor) =>
        Names.TryGetValue(type, out var name)
            ? name
            : throw new ArgumentException($"Tensor '{tensor}' has dtype {type}, which safetensors files here cannot hold; supported: {SupportedList}.");

    public static int ElementSize(ScalarType type) => ElementSizes[Names[type]];
}
