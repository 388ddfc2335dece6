// Reads the few fields we need from a SentencePiece ModelProto (google/sentencepiece src/sentencepiece_model.proto).
using TeEFusion.Core.IO;

namespace TeEFusion.Core.Tokenizers;

/// <summary>
/// The special ids of a <c>spiece.model</c>, read from its TrainerSpec, and the model bytes prepared for
/// Microsoft.ML.Tokenizers.
/// </summary>
internal sealed class SentencePieceModelFile
{
    private const int PiecesField = 1, TrainerSpecField = 2;
    private const int UnkIdField = 40, BosIdField = 41, EosIdField = 42, PadIdField = 43;

    private SentencePieceModelFile(byte[] bytes) => Bytes = bytes;

    public byte[] Bytes { get; private set; }

    public int PieceCount { get; private set; }

    // Defaults are the proto's declared defaults, which apply when the trainer did not write the field.
    public int UnkId { get; private set; }

    public int BosId { get; private set; } = 1;

    public int EosId { get; private set; } = 2;

    public int PadId { get; private set; } = -1;

    public static SentencePieceModelFile Read(string path)
    {
        if (!File.Exists(path)) throw new ModelFormatException(path, "file not found (a T5 tokenizer folder needs spiece.model).");
        var model = new SentencePieceModelFile(File.ReadAllBytes(path));
        try
        {
            model.ParseModel();
        }
        catch (FormatException error)
        {
            throw new ModelFormatException(path, $"not a SentencePiece model: {error.Message}", inner: error);
        }

        if (model.PieceCount == 0) throw new ModelFormatException(path, "not a SentencePiece model: it has no pieces.");
        foreach (var (name, id) in new[] { ("unk_id", model.UnkId), ("eos_id", model.EosId), ("pad_id", model.PadId) })
            if (id < 0 || id >= model.PieceCount)
                throw new ModelFormatException(path, $"{name} = {id} does not name one of its {model.PieceCount} pieces; T5 needs unk, eos and pad.",
                    tensor: $"trainer_spec.{name}");
        return model;
    }

    /// <summary>
    /// Microsoft.ML.Tokenizers 2.0.1 indexes the piece table with bos_id even when it is -1 (T5 has no BOS) and
    /// throws. A second TrainerSpec appended to the bytes is merged into the first by protobuf rules, so it sets
    /// bos_id to the unk piece without rewriting the file; the caller never asks for a BOS token.
    /// </summary>
    public void GiveBosAPlaceholder()
    {
        if (BosId >= 0) return;
        var spec = new List<byte>();
        WriteVarint(spec, (BosIdField << 3) | 0);
        WriteVarint(spec, (ulong)UnkId);
        var patch = new List<byte>();
        WriteVarint(patch, (TrainerSpecField << 3) | 2);
        WriteVarint(patch, (ulong)spec.Count);
        patch.AddRange(spec);
        Bytes = [.. Bytes, .. patch];
    }

    private void ParseModel()
    {
        var at = 0;
        while (at < Bytes.Length)
        {
            var (field, wire) = ReadTag(Bytes, ref at);
            if (field == PiecesField && wire == 2) PieceCount++;
            if (field == TrainerSpecField && wire == 2)
            {
                var length = checked((int)ReadVarint(Bytes, ref at));
                if (length > Bytes.Length - at) throw new FormatException("the trainer spec runs past the end of the file.");
                ParseTrainerSpec(Bytes.AsSpan(at, length));
                at += length;
            }
            else Skip(Bytes, wire, ref at);
        }
    }

    private void ParseTrainerSpec(ReadOnlySpan<byte> spec)
    {
        var bytes = spec.ToArray();
        var at = 0;
        while (at < bytes.Length)
        {
            var (field, wire) = ReadTag(bytes, ref at);
            if (wire != 0 || field is < UnkIdField or > PadIdField)
            {
                Skip(bytes, wire, ref at);
                continue;
            }
            // int32 fields: negative values travel as 64-bit two's complement.
            var value = unchecked((int)(long)ReadVarint(bytes, ref at));
            switch (field)
            {
                case UnkIdField: UnkId = value; break;
                case BosIdField: BosId = value; break;
                case EosIdField: EosId = value; break;
                default: PadId = value; break;
            }
        }
    }

    private static (int Field, int Wire) ReadTag(byte[] bytes, ref int at)
    {
        var tag = ReadVarint(bytes, ref at);
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    private static void Skip(byte[] bytes, int wire, ref int at)
    {
        switch (wire)
        {
            case 0: ReadVarint(bytes, ref at); break;
            case 1: at += 8; break;
            case 2:
                var length = checked((int)ReadVarint(bytes, ref at));
                at += length;
                break;
            case 5: at += 4; break;
            default: throw new FormatException($"unsupported protobuf wire type {wire} at byte {at}.");
        }
        if (at > bytes.Length) throw new FormatException("a field runs past the end of the file.");
    }

    private static ulong ReadVarint(byte[] bytes, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= bytes.Length) throw new FormatException("the file ends inside a number.");
            var b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new FormatException($"a number at byte {at} is longer than 10 bytes.");
    }

    private static void WriteVarint(List<byte> output, ulong value)
    {
        for (; value >= 0x80; value >>= 7) output.Add((byte)(value | 0x80));
        output.Add((byte)value);
    }
}
