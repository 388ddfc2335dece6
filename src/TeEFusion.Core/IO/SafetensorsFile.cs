using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.IO;

/// <summary>
/// An open safetensors file. The header is parsed and validated when the file is opened; tensor data is read
/// only on <see cref="Read"/>, one tensor at a time, with positional reads (safe to call from several threads).
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;

    private SafetensorsFile(string path, SafeFileHandle handle, SafetensorsHeader header)
    {
        Path = path;
        _handle = handle;
        _dataStart = header.DataStart;
        Tensors = header.Tensors;
        Metadata = header.Metadata;
    }

    public string Path { get; }

    /// <summary>Every tensor in the header, by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> object (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens <paramref name="path"/> and validates its header; throws <see cref="ModelFormatException"/> if it is not a usable safetensors file.</summary>
    public static SafetensorsFile Open(string path)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; this reader does not byte-swap.");
        if (!File.Exists(path)) throw new ModelFormatException(path, "file not found.");

        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            return new SafetensorsFile(path, handle, SafetensorsHeader.Read(path, handle));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads tensor <paramref name="name"/> into a new tensor of the file's dtype, then converts it to
    /// <paramref name="convertTo"/> and moves it to <paramref name="device"/> where given.
    /// </summary>
    public Tensor Read(string name, ScalarType? convertTo = null, Device? device = null)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (!Tensors.TryGetValue(name, out var info))
            throw new ModelFormatException(Path, "no such tensor in this file.", name);

        var dtype = SafetensorsDType.ToScalarType(info.DType, Path, name);
        var tensor = empty(info.Shape, dtype);
        try
        {
            TensorBytes.ForEachChunk(tensor, (chunk, offset) =>
                SafetensorsHeader.ReadExactly(Path, _handle, chunk, _dataStart + info.Begin + offset, name));
            if (dtype == ScalarType.Bool) CheckBooleans(tensor, name);
            return ConvertAndMove(tensor, convertTo ?? dtype, device ?? CPU);
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    public void Dispose() => _handle.Dispose();

    private static Tensor ConvertAndMove(Tensor tensor, ScalarType dtype, Device device)
    {
        if (tensor.dtype == dtype && tensor.device_type == device.type && tensor.device_index == device.index) return tensor;
        var result = tensor.to(dtype, device);
        tensor.Dispose();
        return result;
    }

    // A bool byte other than 0 or 1 is undefined behaviour in torch; reject it rather than pass it on.
    private void CheckBooleans(Tensor tensor, string name) =>
        TensorBytes.ForEachChunk(tensor, (chunk, offset) =>
        {
            var bad = chunk.IndexOfAnyExcept((byte)0, (byte)1);
            if (bad >= 0)
                throw new ModelFormatException(Path, $"BOOL byte {offset + bad} has value {chunk[bad]}; only 0 and 1 are valid.", name);
        });
}
