using static TorchSharp.torch;

namespace TeEFusion.Core.IO;

// Walks a contiguous CPU tensor's storage as byte spans, each short enough for a Span.
internal static class TensorBytes
{
    // One gibibyte: under Span's 2 GB limit and large enough that the per-chunk overhead is invisible.
    public const long DefaultChunkBytes = 1L << 30;

    public delegate void ChunkAction(Span<byte> chunk, long byteOffset);

    public static void ForEachChunk(Tensor contiguousCpu, ChunkAction action, long maxChunkBytes = DefaultChunkBytes)
    {
        var count = contiguousCpu.numel();
        if (count == 0) return;
        var elementSize = contiguousCpu.element_size();
        var total = count * elementSize;
        if (total <= maxChunkBytes)
        {
            action(contiguousCpu.bytes, 0);
            return;
        }

        // Tensor.bytes refuses more than int.MaxValue bytes, so larger tensors go through 1-D views of their storage.
        var elementsPerChunk = Math.Max(1, maxChunkBytes / elementSize);
        using var flat = contiguousCpu.view(-1);
        for (long start = 0; start < count; start += elementsPerChunk)
        {
            using var piece = flat.narrow(0, start, Math.Min(elementsPerChunk, count - start));
            action(piece.bytes, start * elementSize);
        }
    }
}
