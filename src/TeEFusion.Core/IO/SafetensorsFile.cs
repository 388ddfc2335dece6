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
        var (info, dtype) = Find(name);
        var tensor = empty(info.Shape, dtype);
        try
        {
            ReadBytes(info, dtype, tensor);
            return ConvertAndMove(tensor, convertTo ?? dtype, device ?? CPU);
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    // Fills a destination of the same shape, converting dtype and device as needed. A contiguous CPU destination of
    // the file's dtype is filled straight from disk, so loading a large model needs no second copy of each weight.
    internal void ReadInto(string name, Tensor destination)
    {
        var (info, dtype) = Find(name);
        if (!info.Shape.SequenceEqual(destination.shape))
            throw new ArgumentException($"Tensor '{name}' has shape [{string.Join(", ", info.Shape)}] in {Path}, the destination [{string.Join(", ", destination.shape)}].", nameof(destination));

        // BOOL bytes are checked after reading, so they go through a temporary to keep a bad file out of the destination.
        if (destination.device_type == DeviceType.CPU && destination.dtype == dtype && dtype != ScalarType.Bool && destination.is_contiguous())
        {
            ReadBytes(info, dtype, destination);
            return;
        }
        using var value = Read(name, destination.dtype, destination.device);
        destination.copy_(value);
    }

    public void Dispose() => _handle.Dispose();

    private (SafetensorsTensorInfo Info, ScalarType DType) Find(string name)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (!Tensors.TryGetValue(name, out var info))
            throw new ModelFormatException(Path, "no such tensor in this file.", name);
        return (info, SafetensorsDType.ToScalarType(info.DType, Path, name));
    }

    private void ReadBytes(SafetensorsTensorInfo info, ScalarType dtype, Tensor destination)
    {
        TensorBytes.ForEachChunk(destination, (chunk, offset) =>
            SafetensorsHeader.ReadExactly(Path, _handle, chunk, _dataStart + info.Begin + offset, info.Name));
        if (dtype == ScalarType.Bool) CheckBooleans(destination, info.Name);
    }

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
