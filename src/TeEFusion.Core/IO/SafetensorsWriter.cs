using System.Buffers.Binary;
using System.Text.Json;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace TeEFusion.Core.IO;

/// <summary>Writes safetensors files, single or sharded the way diffusers/transformers <c>save_pretrained</c> does.</summary>
public static class SafetensorsWriter
{
    /// <summary>diffusers' <c>ModelMixin.save_pretrained</c> default shard size ("10GB", decimal).</summary>
    public const long DiffusersMaxShardBytes = 10_000_000_000;

    private sealed record Entry(string Name, Tensor Tensor, string DType, long Begin, long End);

    /// <summary>
    /// Writes <paramref name="tensors"/> to <paramref name="path"/> (via a temporary file, so a crash never leaves a
    /// half-written file under the final name). Tensors are copied to the CPU one at a time.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        WriteEntries(path, Layout(Validate(tensors)), metadata);

    /// <summary>
    /// Writes <paramref name="tensors"/> into <paramref name="directory"/> as <c>{stem}-00001-of-0000N.safetensors</c> shards
    /// of at most <paramref name="maxShardBytes"/> each (a larger tensor gets a shard of its own) plus
    /// <c>{stem}.safetensors.index.json</c>; when everything fits in one shard, writes a plain <c>{stem}.safetensors</c>.
    /// Files of an earlier save under the same stem that the new one does not use are deleted.
    /// Returns the path to open: the single file or the index.
    /// </summary>
    public static string WriteSharded(string directory, string fileStem, IEnumerable<KeyValuePair<string, Tensor>> tensors,
        long maxShardBytes, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxShardBytes);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileStem);
        if (fileStem.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new ArgumentException($"File stem '{fileStem}' must be a plain file name.", nameof(fileStem));
        Directory.CreateDirectory(directory);

        var shards = Plan(Validate(tensors).Select(item => new KeyValuePair<string, Tensor>(item.Name, item.Tensor)), maxShardBytes);
        var single = Path.Combine(directory, fileStem + ".safetensors");
        var index = single + ".index.json";
        if (shards.Count == 1)
        {
            Write(single, shards[0], metadata);
            RemoveStale(directory, fileStem, keep: [single]);
            return single;
        }

        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var written = new List<string>();
        for (var i = 0; i < shards.Count; i++)
        {
            var name = $"{fileStem}-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            var file = Path.Combine(directory, name);
            Write(file, shards[i], metadata);
            written.Add(file);
            foreach (var pair in shards[i]) weightMap[pair.Key] = name;
        }
        var totalSize = shards.SelectMany(s => s).Sum(pair => ByteLength(pair.Value));
        WriteIndex(index, totalSize, weightMap);
        RemoveStale(directory, fileStem, keep: [.. written, index]);
        return index;
    }

    // Same grouping, in the caller's (state_dict) order, as huggingface_hub's split_torch_state_dict_into_shards,
    // so shard boundaries match Python's.
    private static List<List<KeyValuePair<string, Tensor>>> Plan(IEnumerable<KeyValuePair<string, Tensor>> tensors, long maxShardBytes)
    {
        var shards = new List<List<KeyValuePair<string, Tensor>>>();
        var current = new List<KeyValuePair<string, Tensor>>();
        long currentBytes = 0;
        foreach (var pair in tensors)
        {
            var size = ByteLength(pair.Value);
            if (size > maxShardBytes)
            {
                shards.Add([pair]);
                continue;
            }
            if (currentBytes + size > maxShardBytes && current.Count > 0)
            {
                shards.Add(current);
                current = [];
                currentBytes = 0;
            }
            current.Add(pair);
            currentBytes += size;
        }
        if (current.Count > 0 || shards.Count == 0) shards.Add(current);
        return shards;
    }

    private static long ByteLength(Tensor tensor) => tensor.numel() * tensor.element_size();

    private static List<(string Name, Tensor Tensor, string DType)> Validate(IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var items = new List<(string Name, Tensor Tensor, string DType)>();
        foreach (var (name, tensor) in tensors)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("A tensor name is empty.", nameof(tensors));
            if (name == SafetensorsHeader.MetadataKey) throw new ArgumentException($"'{name}' is reserved for metadata and cannot name a tensor.", nameof(tensors));
            if (tensor is null) throw new ArgumentException($"Tensor '{name}' is null.", nameof(tensors));
            if (!seen.Add(name)) throw new ArgumentException($"Tensor '{name}' is given twice.", nameof(tensors));
            items.Add((name, tensor, SafetensorsDType.FromScalarType(tensor.dtype, name)));
        }
        return items;
    }

    // Larger elements first, then by name (the reference writer's order): every tensor then starts at an offset
    // that is a multiple of its element size, which memory-mapping readers rely on.
    private static List<Entry> Layout(List<(string Name, Tensor Tensor, string DType)> items)
    {
        var entries = new List<Entry>(items.Count);
        long offset = 0;
        foreach (var item in items.OrderByDescending(i => i.Tensor.element_size()).ThenBy(i => i.Name, StringComparer.Ordinal))
        {
            var end = offset + ByteLength(item.Tensor);
            entries.Add(new Entry(item.Name, item.Tensor, item.DType, offset, end));
            offset = end;
        }
        return entries;
    }

    private static void WriteEntries(string path, List<Entry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        var header = Header(entries, metadata);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = path + ".partial";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> prefix = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
                stream.Write(prefix);
                stream.Write(header);
                foreach (var entry in entries) WriteData(stream, entry.Tensor);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static void WriteData(Stream stream, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var cpu = tensor.detach().cpu().contiguous();
        TensorBytes.ForEachChunk(cpu, (chunk, _) => stream.Write(chunk));
    }

    private static byte[] Header(List<Entry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            foreach (var entry in entries)
            {
                json.WriteStartObject(entry.Name);
                json.WriteString("dtype", entry.DType);
                json.WriteStartArray("shape");
                foreach (var size in entry.Tensor.shape) json.WriteNumberValue(size);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(entry.Begin);
                json.WriteNumberValue(entry.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }

        // Spaces pad the header so that the data section starts 8-byte aligned, as the reference writer does.
        var padding = (int)((8 - buffer.Length % 8) % 8);
        for (var i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static void WriteIndex(string path, long totalSize, SortedDictionary<string, string> weightMap)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteNumber("total_size", totalSize);
            json.WriteEndObject();
            json.WriteStartObject("weight_map");
            foreach (var (name, file) in weightMap) json.WriteString(name, file);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        var temporary = path + ".partial";
        File.WriteAllBytes(temporary, buffer.ToArray());
        File.Move(temporary, path, overwrite: true);
    }

    private static void RemoveStale(string directory, string fileStem, IReadOnlyCollection<string> keep)
    {
        var shard = new Regex($"^{Regex.Escape(fileStem)}-\\d{{5}}-of-\\d{{5}}\\.safetensors$");
        var ours = Directory.EnumerateFiles(directory).Where(file =>
        {
            var name = Path.GetFileName(file);
            return name == fileStem + ".safetensors" || name == fileStem + ".safetensors.index.json" || shard.IsMatch(name);
        });
        foreach (var file in ours.Where(f => !keep.Contains(f, StringComparer.Ordinal)).ToList()) File.Delete(file);
    }
}
