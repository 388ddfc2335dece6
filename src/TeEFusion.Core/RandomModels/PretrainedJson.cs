using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TeEFusion.Core.RandomModels;

/// <summary>
/// Writes JSON the way diffusers and transformers save configs (<c>json.dumps(..., indent=2, sort_keys=True)</c>):
/// keys sorted at every level, two-space indent, a trailing newline. Sorted keys also make the files byte-stable.
/// </summary>
internal static class PretrainedJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        // Token files hold non-ASCII byte symbols; writing them as-is keeps vocab.json readable, as transformers does.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Serialises a config POCO through its [JsonPropertyName]s, adds <paramref name="extras"/>, writes it sorted.</summary>
    public static void WriteConfig<T>(string path, T config, IReadOnlyDictionary<string, JsonNode?>? extras = null)
    {
        var node = JsonSerializer.SerializeToNode(config)!.AsObject();
        foreach (var (key, value) in extras ?? new Dictionary<string, JsonNode?>()) node[key] = value?.DeepClone();
        Write(path, node);
    }

    public static void Write(string path, JsonNode node)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, Sorted(node)!.ToJsonString(Options) + "\n");
    }

    /// <summary>Writes an object keeping the caller's key order (vocab.json lists tokens by id, not by name).</summary>
    public static void WriteOrdered(string path, IEnumerable<KeyValuePair<string, int>> pairs)
    {
        var node = new JsonObject();
        foreach (var (key, value) in pairs) node.Add(key, value);
        File.WriteAllText(path, node.ToJsonString(new JsonSerializerOptions { Encoder = Options.Encoder }));
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
