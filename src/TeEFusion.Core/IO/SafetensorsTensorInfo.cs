namespace TeEFusion.Core.IO;

/// <summary>
/// One entry of a safetensors header. <see cref="Begin"/> and <see cref="End"/> are byte offsets into the data
/// section that follows the header, exactly as stored in <c>data_offsets</c>.
/// </summary>
public sealed record SafetensorsTensorInfo(string Name, string DType, long[] Shape, long Begin, long End)
{
    /// <summary>Number of bytes the tensor occupies in the file.</summary>
    public long ByteLength => End - Begin;

    /// <summary>Number of elements (1 for a scalar, whose shape is empty).</summary>
    public long ElementCount => Shape.Aggregate(1L, (count, size) => count * size);
}
