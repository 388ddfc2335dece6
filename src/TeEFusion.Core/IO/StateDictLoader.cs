using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.IO;

/// <summary>
/// Loads safetensors weights into a TorchSharp module strictly: the key sets must match exactly (up to declared
/// tied groups), every shape must match, and dtypes must match unless conversion is asked for. All of this is checked
/// from the headers before a single weight is copied, so a checkpoint that does not fit leaves the module untouched.
/// </summary>
public static class StateDictLoader
{
    private const int ListedNames = 20;

    /// <summary>Loads the file, index or component directory at <paramref name="path"/> into <paramref name="module"/>.</summary>
    public static void Load(nn.Module module, string path, StateDictLoadOptions? options = null)
    {
        using var checkpoint = SafetensorsCheckpoint.Open(path);
        Load(module, checkpoint, options);
    }

    /// <summary>Loads an open checkpoint into <paramref name="module"/>, on the device and in the dtype of each module tensor.</summary>
    public static void Load(nn.Module module, SafetensorsCheckpoint checkpoint, StateDictLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(checkpoint);
        options ??= new StateDictLoadOptions();

        var targets = module.state_dict();
        var sources = MatchKeys(targets.Keys, checkpoint, options.TiedGroups);
        CheckShapesAndDTypes(targets, sources, checkpoint, options.ConvertDType);

        using var noGrad = no_grad();
        foreach (var (key, target) in targets)
        {
            using var scope = NewDisposeScope();
            checkpoint.ReadInto(sources[key], target);
        }
    }

    /// <summary>Writes the module's state_dict to one safetensors file.</summary>
    public static void Save(nn.Module module, string path) =>
        SafetensorsWriter.Write(path, module.state_dict(), PyTorchMetadata);

    /// <summary>Writes the module's state_dict the way <c>save_pretrained</c> does; returns the file or index to load.</summary>
    public static string SaveSharded(nn.Module module, string directory, string fileStem, long maxShardBytes) =>
        SafetensorsWriter.WriteSharded(directory, fileStem, module.state_dict(), maxShardBytes, PyTorchMetadata);

    // transformers refuses safetensors files whose "format" metadata is not a framework it knows.
    private static readonly IReadOnlyDictionary<string, string> PyTorchMetadata = new Dictionary<string, string> { ["format"] = "pt" };

    // For every module key, the file key that fills it; throws listing all missing and unexpected names at once.
    private static Dictionary<string, string> MatchKeys(IEnumerable<string> moduleKeys, SafetensorsCheckpoint checkpoint,
        IReadOnlyList<IReadOnlyList<string>> tiedGroups)
    {
        var moduleSet = moduleKeys.ToHashSet(StringComparer.Ordinal);
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var consumed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in moduleSet.Where(checkpoint.Tensors.ContainsKey))
        {
            sources[key] = key;
            consumed.Add(key);
        }

        foreach (var group in tiedGroups)
        {
            if (!group.Any(moduleSet.Contains)) continue;
            var present = group.Where(checkpoint.Tensors.ContainsKey).ToList();
            if (present.Count == 0) continue;
            consumed.UnionWith(present);
            foreach (var key in group.Where(k => moduleSet.Contains(k) && !sources.ContainsKey(k))) sources[key] = present[0];
        }

        var missing = moduleSet.Where(k => !sources.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = checkpoint.Tensors.Keys.Where(k => !consumed.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count == 0 && unexpected.Count == 0) return sources;

        var problems = new List<string>();
        if (missing.Count > 0) problems.Add($"{missing.Count} module weight(s) missing from the checkpoint: {Listing(missing)}");
        if (unexpected.Count > 0) problems.Add($"{unexpected.Count} checkpoint tensor(s) the module does not have: {Listing(unexpected)}");
        throw new ModelFormatException(checkpoint.Path, $"the checkpoint does not match the module: {string.Join("; ", problems)}.");
    }

    private static void CheckShapesAndDTypes(Dictionary<string, Tensor> targets, Dictionary<string, string> sources,
        SafetensorsCheckpoint checkpoint, bool convertDType)
    {
        var problems = new List<string>();
        foreach (var (key, target) in targets)
        {
            var info = checkpoint.Tensors[sources[key]];
            var file = checkpoint.FileOf(info.Name).Path;
            var named = key == info.Name ? $"'{key}'" : $"'{key}' (from '{info.Name}')";
            if (!info.Shape.SequenceEqual(target.shape))
                problems.Add($"{named}: checkpoint shape [{string.Join(", ", info.Shape)}], module shape [{string.Join(", ", target.shape)}]");

            var dtype = SafetensorsDType.ToScalarType(info.DType, file, info.Name);
            if (dtype != target.dtype && !convertDType)
                problems.Add($"{named}: checkpoint dtype {info.DType} ({dtype}), module dtype {target.dtype}");
        }
        if (problems.Count == 0) return;

        throw new ModelFormatException(checkpoint.Path,
            $"{problems.Count} tensor(s) do not fit the module (set ConvertDType to convert dtypes): {Listing(problems)}.");
    }

    private static string Listing(IReadOnlyList<string> names) =>
        names.Count <= ListedNames
            ? string.Join(", ", names)
            : $"{string.Join(", ", names.Take(ListedNames))} and {names.Count - ListedNames} more";
}
