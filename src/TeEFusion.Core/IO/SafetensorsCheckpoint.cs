using System.Text.Json;
using static TorchSharp.torch;

namespace TeEFusion.Core.IO;

/// <summary>
/// The tensors of one model component: a single safetensors file, a sharded set described by a
/// <c>*.safetensors.index.json</c>, or a component directory holding either. Tensor names are unique across shards.
/// </summary>
public sealed class SafetensorsCheckpoint : IDisposable
{
    /// <summary>The weight files looked for in a component directory (diffusers, then transformers naming).</summary>
    public static IReadOnlyList<string> ComponentFileNames { get; } =
    [
        "diffusion_pytorch_model.safetensors",
        "diffusion_pytorch_model.safetensors.index.json",
        "model.safetensors",
        "model.safetensors.index.json",
    ];

    private const string IndexSuffix = ".safetensors.index.json";

    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, SafetensorsFile> _owners;

    private SafetensorsCheckpoint(string path, List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> owners)
    {
        Path = path;
        _files = files;
        _owners = owners;
        Tensors = owners.ToDictionary(pair => pair.Key, pair => pair.Value.Tensors[pair.Key], StringComparer.Ordinal);
    }

    /// <summary>The weight file or index this checkpoint was read from.</summary>
    public string Path { get; }

    /// <summary>All tensors of all files, by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The open safetensors files (one, or one per shard).</summary>
    public IReadOnlyList<SafetensorsFile> Files => _files;

    /// <summary>Opens a safetensors file, an index, or a component directory; see <see cref="ComponentFileNames"/>.</summary>
    public static SafetensorsCheckpoint Open(string path)
    {
        if (Directory.Exists(path)) path = FindInDirectory(path);
        if (path.EndsWith(IndexSuffix, StringComparison.Ordinal)) return OpenIndex(path);

        var file = SafetensorsFile.Open(path);
        return new SafetensorsCheckpoint(path, [file], file.Tensors.Keys.ToDictionary(name => name, _ => file, StringComparer.Ordinal));
    }

    /// <summary>The file that holds tensor <paramref name="name"/>.</summary>
    public SafetensorsFile FileOf(string name) =>
        _owners.TryGetValue(name, out var file) ? file : throw new ModelFormatException(Path, "no such tensor in this checkpoint.", name);

    /// <inheritdoc cref="SafetensorsFile.Read"/>
    public Tensor Read(string name, ScalarType? convertTo = null, Device? device = null) => FileOf(name).Read(name, convertTo, device);

    internal void ReadInto(string name, Tensor destination) => FileOf(name).ReadInto(name, destination);

    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }

    private static string FindInDirectory(string directory)
    {
        var found = ComponentFileNames.Select(name => System.IO.Path.Combine(directory, name)).Where(File.Exists).ToList();
        return found.Count switch
        {
            1 => found[0],
            0 => throw new ModelFormatException(directory, $"no weights found; looked for {string.Join(", ", ComponentFileNames)}."),
            _ => throw new ModelFormatException(directory, $"ambiguous weights: found {string.Join(", ", found.Select(System.IO.Path.GetFileName))}; keep exactly one of them."),
        };
    }

    private static SafetensorsCheckpoint OpenIndex(string indexPath)
    {
        var weightMap = ReadWeightMap(indexPath);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(indexPath))!;
        var files = new List<SafetensorsFile>();
        try
        {
            var byName = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (var shard in weightMap.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                var shardPath = System.IO.Path.Combine(directory, shard);
                if (!File.Exists(shardPath))
                    throw new ModelFormatException(indexPath, $"the index names shard '{shard}', which does not exist in {directory}.");
                var file = SafetensorsFile.Open(shardPath);
                files.Add(file);
                byName[shard] = file;
            }

            var owners = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (var (tensor, shard) in weightMap)
            {
                var file = byName[shard];
                if (!file.Tensors.ContainsKey(tensor))
                    throw new ModelFormatException(indexPath, $"the index puts this tensor in '{shard}', but {file.Path} does not hold it.", tensor);
                owners[tensor] = file;
            }
            foreach (var file in files)
            {
                foreach (var tensor in file.Tensors.Keys)
                {
                    if (!owners.TryGetValue(tensor, out var owner))
                        throw new ModelFormatException(file.Path, $"this shard holds a tensor that the index {indexPath} does not list.", tensor);
                    if (owner != file)
                        throw new ModelFormatException(file.Path, $"the tensor is in both {owner.Path} and {file.Path}.", tensor);
                }
            }
            return new SafetensorsCheckpoint(indexPath, files, owners);
        }
        catch
        {
            foreach (var file in files) file.Dispose();
            throw;
        }
    }

    private static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        if (!File.Exists(indexPath)) throw new ModelFormatException(indexPath, "file not found.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(indexPath));
        }
        catch (JsonException error)
        {
            throw new ModelFormatException(indexPath, $"the index is not valid JSON: {error.Message}", inner: error);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out var map)
                || map.ValueKind != JsonValueKind.Object)
                throw new ModelFormatException(indexPath, "the index has no 'weight_map' object.");

            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                var shard = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : "";
                // Shards live beside the index; a path here could point anywhere on the machine.
                if (shard.Length == 0 || System.IO.Path.GetFileName(shard) != shard)
                    throw new ModelFormatException(indexPath, $"weight_map value {entry.Value.GetRawText()} is not a shard file name.", entry.Name);
                if (!weightMap.TryAdd(entry.Name, shard))
                    throw new ModelFormatException(indexPath, "weight_map lists this tensor twice.", entry.Name);
            }
            return weightMap;
        }
    }
}
