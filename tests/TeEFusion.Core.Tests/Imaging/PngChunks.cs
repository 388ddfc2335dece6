using System.Buffers.Binary;
using System.Text;

namespace TeEFusion.Core.Tests.Imaging;

/// <summary>A PNG chunk walker written from the PNG specification, so tests see chunks without ImageSharp.</summary>
internal static class PngChunks
{
    public sealed record TextChunk(string Type, string Keyword, string Text);

    public static List<(string Type, byte[] Data)> Read(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var chunks = new List<(string, byte[])>();
        for (var at = 8; at < png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            chunks.Add((type, png[(at + 8)..(at + 8 + length)]));
            at += 12 + length;
        }
        return chunks;
    }

    public static List<TextChunk> Texts(byte[] png) => Read(png)
        .Where(c => c.Type is "tEXt" or "iTXt")
        .Select(c => Parse(c.Type, c.Data))
        .ToList();

    private static TextChunk Parse(string type, byte[] data)
    {
        var nul = Array.IndexOf(data, (byte)0);
        var keyword = Encoding.Latin1.GetString(data, 0, nul);
        if (type == "tEXt") return new TextChunk(type, keyword, Encoding.Latin1.GetString(data, nul + 1, data.Length - nul - 1));
        Assert.Equal(0, data[nul + 1]); // iTXt compression flag: uncompressed
        var language = Array.IndexOf(data, (byte)0, nul + 3);
        var translated = Array.IndexOf(data, (byte)0, language + 1);
        return new TextChunk(type, keyword, Encoding.UTF8.GetString(data, translated + 1, data.Length - translated - 1));
    }
}
