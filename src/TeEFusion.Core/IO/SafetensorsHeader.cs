using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace TeEFusion.Core.IO;

// A parsed and validated safetensors header; DataStart is the file offset of data byte 0.
internal sealed record SafetensorsHeader(
    IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors,
    IReadOnlyDictionary<string, string> Metadata,
    long DataStart)
{
    public const string MetadataKey = "__metadata__";

    // The reference implementation refuses larger headers; a header this big is corruption, not a model.
    private const long MaxHeaderBytes = 100_000_000;

    public static SafetensorsHeader Read(string file, SafeFileHandle handle)
    {
        var fileLength = RandomAccess.GetLength(handle);
        if (fileLength < 8)
            throw new ModelFormatException(file, $"the file is {fileLength} bytes long, shorter than the 8-byte header length.");

        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(file, handle, prefix, 0);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(fileLength - 8))
            throw new ModelFormatException(file, $"the header length {headerLength} runs past the end of the file ({fileLength} bytes); the file is truncated or not safetensors.");
        if (headerLength > MaxHeaderBytes)
            throw new ModelFormatException(file, $"the header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit.");

        var json = new byte[headerLength];
        ReadExactly(file, handle, json, 8);
        var dataStart = 8 + (long)headerLength;
        var (tensors, metadata) = Parse(file, json, fileLength - dataStart);
        return new SafetensorsHeader(tensors, metadata, dataStart);
    }

    public static void ReadExactly(string file, SafeFileHandle handle, Span<byte> buffer, long offset, string? tensor = null)
    {
        while (buffer.Length > 0)
        {
            var read = RandomAccess.Read(handle, buffer, offset);
            if (read == 0)
                throw new ModelFormatException(file, $"the file ended at byte {offset} while reading; it was truncated.", tensor);
            buffer = buffer[read..];
            offset += read;
        }
    }

    private static (Dictionary<string, SafetensorsTensorInfo>, Dictionary<string, string>) Parse(string file, byte[] json, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw new ModelFormatException(file, $"the header is not valid JSON: {error.Message}", inner: error);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new ModelFormatException(file, $"the header is a JSON {document.RootElement.ValueKind}, not an object.");

            var tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
            Dictionary<string, string>? metadata = null;
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Name == MetadataKey)
                {
                    if (metadata is not null)
                        throw new ModelFormatException(file, $"the header has '{MetadataKey}' twice.");
                    metadata = ParseMetadata(file, entry.Value);
                }
                else if (!tensors.TryAdd(entry.Name, ParseTensor(file, entry.Name, entry.Value, dataLength)))
                {
                    throw new ModelFormatException(file, "the header lists this tensor twice.", entry.Name);
                }
            }

            CheckNoOverlap(file, tensors.Values);
            return (tensors, metadata ?? new Dictionary<string, string>());
        }
    }

    private static Dictionary<string, string> ParseMetadata(string file, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new ModelFormatException(file, $"'{MetadataKey}' is a JSON {value.ValueKind}, not an object of strings.");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new ModelFormatException(file, $"'{MetadataKey}' entry '{item.Name}' is a JSON {item.Value.ValueKind}, not a string.");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new ModelFormatException(file, $"'{MetadataKey}' has the entry '{item.Name}' twice.");
        }
        return metadata;
    }

    private static SafetensorsTensorInfo ParseTensor(string file, string name, JsonElement value, long dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new ModelFormatException(file, $"the header entry is a JSON {value.ValueKind}, not an object with dtype, shape and data_offsets.", name);

        var dtype = Field(file, name, value, "dtype", JsonValueKind.String).GetString()!;
        if (!SafetensorsDType.TryGetElementSize(dtype, out var elementSize))
            throw new ModelFormatException(file, $"unsupported dtype '{dtype}'; supported: {SafetensorsDType.SupportedList}.", name);

        var shape = Integers(file, name, Field(file, name, value, "shape", JsonValueKind.Array), "shape");
        var offsets = Integers(file, name, Field(file, name, value, "data_offsets", JsonValueKind.Array), "data_offsets");
        if (offsets.Length != 2)
            throw new ModelFormatException(file, $"data_offsets has {offsets.Length} numbers; expected [begin, end].", name);

        var (begin, end) = (offsets[0], offsets[1]);
        if (begin > end || end > dataLength)
            throw new ModelFormatException(file, $"data_offsets [{begin}, {end}] lie outside the data section of {dataLength} bytes.", name);

        long expected;
        try
        {
            expected = checked(shape.Aggregate(1L, (count, size) => count * size) * elementSize);
        }
        catch (OverflowException)
        {
            throw new ModelFormatException(file, $"shape [{string.Join(", ", shape)}] is too large to address.", name);
        }
        if (end - begin != expected)
            throw new ModelFormatException(file, $"data_offsets [{begin}, {end}] hold {end - begin} bytes but {dtype} shape [{string.Join(", ", shape)}] needs {expected}.", name);

        return new SafetensorsTensorInfo(name, dtype, shape, begin, end);
    }

    private static JsonElement Field(string file, string tensor, JsonElement entry, string field, JsonValueKind kind)
    {
        if (!entry.TryGetProperty(field, out var value))
            throw new ModelFormatException(file, $"the header entry has no '{field}'.", tensor);
        if (value.ValueKind != kind)
            throw new ModelFormatException(file, $"'{field}' is a JSON {value.ValueKind}, expected {kind}.", tensor);
        return value;
    }

    private static long[] Integers(string file, string tensor, JsonElement array, string field)
    {
        var values = new long[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var number) || number < 0)
                throw new ModelFormatException(file, $"{field} must hold non-negative integers, found {item.GetRawText()}.", tensor);
            values[i++] = number;
        }
        return values;
    }

    private static void CheckNoOverlap(string file, IEnumerable<SafetensorsTensorInfo> tensors)
    {
        // Empty tensors own no bytes, so they cannot overlap anything wherever their offsets point.
        SafetensorsTensorInfo? previous = null;
        foreach (var tensor in tensors.Where(t => t.End > t.Begin).OrderBy(t => t.Begin))
        {
            if (previous is not null && tensor.Begin < previous.End)
                throw new ModelFormatException(file, $"bytes [{tensor.Begin}, {tensor.End}) overlap tensor '{previous.Name}' at [{previous.Begin}, {previous.End}).", tensor.Name);
            previous = tensor;
        }
    }
}
