using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace TeEFusion.Cli.Tests;

/// <summary>One chunk of a PNG file (its type and data; length and CRC follow from them), for comparing PNGs chunk by chunk.</summary>
internal sealed class PngChunk(string type, byte[] data)
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The chunk type, e.g. IHDR, tEXt, IDAT.</summary>
    public string Type { get; } = type;

    public byte[] Data { get; } = data;

    /// <summary>The chunks of <paramref name="png"/> in file order.</summary>
    /// <exception cref="InvalidDataException">Not a PNG, or a chunk runs past the end of the file.</exception>
    public static IReadOnlyList<PngChunk> Read(byte[] png)
    {
        if (!png.AsSpan().StartsWith(Signature)) throw new InvalidDataException("not a PNG (signature missing)");
        var chunks = new List<PngChunk>();
        for (var at = Signature.Length; at < png.Length;)
        {
            var length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at)));
            if (at + 12 + length > png.Length) throw new InvalidDataException($"chunk at byte {at} runs past the end of the file");
            chunks.Add(new PngChunk(Encoding.ASCII.GetString(png, at + 4, 4), png.AsSpan(at + 8, length).ToArray()));
            at += 12 + length;
        }
        return chunks;
    }

    /// <summary>A tEXt chunk's keyword (the Latin-1 text before the NUL); null for other chunks.</summary>
    public string? Keyword => Type == "tEXt" ? Encoding.Latin1.GetString(Data, 0, Array.IndexOf(Data, (byte)0)) : null;

    /// <summary>A tEXt chunk's text (after the NUL).</summary>
    public string Text => Encoding.Latin1.GetString(Data, Array.IndexOf(Data, (byte)0) + 1, Data.Length - Array.IndexOf(Data, (byte)0) - 1);

    /// <summary>A line that differs whenever the data does: a text chunk's keyword and text, else its length and SHA-256.</summary>
    public override string ToString() =>
        Keyword is { } keyword ? $"tEXt {keyword}: {Text}" : $"{Type} {Data.Length} bytes, SHA-256 {Convert.ToHexString(SHA256.HashData(Data))}";
}
