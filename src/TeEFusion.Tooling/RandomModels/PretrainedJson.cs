using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TeEFusion.Tooling.RandomModels;

// Writes JSON the way diffusers and transformers save configs (json.dumps(..., indent=2, sort_keys=True)):
// keys sorted at every level, two-space indent, a trailing newline. Sorted keys also make the files byte-stable.
internal static class PretrainedJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        // Token files hold non-ASCII byte symbols; writing them as-is keeps vocab.json readable, as transformers does.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions ConfigOptions = new() { Converters = { new PythonFloatConverter() } };

    // Serialises a config POCO through its [JsonPropertyName]s, adds extras, writes it sorted.
    public static void WriteConfig<T>(string path, T config, IReadOnlyDictionary<string, JsonNode?>? extras = null)
    {
        var node = JsonSerializer.SerializeToNode(config, ConfigOptions)!.AsObject();
        foreach (var (key, value) in extras ?? new Dictionary<string, JsonNode?>()) node[key] = value?.DeepClone();
        Write(path, node);
    }

    public static void Write(string path, JsonNode node)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, Sorted(node)!.ToJsonString(Options) + "\n");
    }

    // Writes an object keeping the caller's key order (vocab.json lists tokens by id, not by name).
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

    // Python's json writes floats with repr(): "3.0" (not "3") and "1e-05" (not "1E-05"). Matching it keeps the
    // configs byte-comparable with files saved by diffusers/transformers.
    private sealed class PythonFloatConverter : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            var text = value.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e');
            if (double.IsFinite(value) && !text.Contains('.') && !text.Contains('e')) text += ".0";
            writer.WriteRawValue(text);
        }
    }
}
