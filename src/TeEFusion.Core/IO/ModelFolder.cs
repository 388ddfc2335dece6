using System.Text.Json;
using System.Text.Json.Nodes;

namespace TeEFusion.Core.IO;

/// <summary>
/// A diffusers-format pipeline folder (what `save_pretrained` writes and what SD3/TeEFusion checkpoints ship):
/// `model_index.json` names each component's library and class; each component lives in a sub-folder of the
/// same name with its own config and weights. Components whose entry is `[null, null]` are absent by design
/// (SD3's optional T5).
/// </summary>
public sealed class ModelFolder
{
    public const string IndexFileName = "model_index.json";

    /// <summary>
    /// The index key of the guidance scale the folder's maker recommends. It is this project's key, not diffusers':
    /// diffusers ignores index keys that start with "_", so the folder stays loadable there.
    /// </summary>
    public const string DefaultGuidanceKey = "_default_guidance_scale";

    private ModelFolder(string root, string pipelineClass, string? diffusersVersion, double? defaultGuidance,
        IReadOnlyDictionary<string, ComponentEntry> components)
    {
        Root = root;
        PipelineClass = pipelineClass;
        DiffusersVersion = diffusersVersion;
        DefaultGuidance = defaultGuidance;
        Components = components;
    }

    public string Root { get; }

    /// <summary>`_class_name`, e.g. StableDiffusion3Pipeline or TeEFusionSD3Pipeline.</summary>
    public string PipelineClass { get; }

    public string? DiffusersVersion { get; }

    /// <summary>The <see cref="DefaultGuidanceKey"/> entry: the g a request without one gets; null leaves it to the pipeline.</summary>
    public double? DefaultGuidance { get; }

    /// <summary>Every component the index declares as present (entries with a null class are left out).</summary>
    public IReadOnlyDictionary<string, ComponentEntry> Components { get; }

    public static ModelFolder Open(string root)
    {
        var index = Path.Combine(root, IndexFileName);
        if (!Directory.Exists(root)) throw new ModelFormatException(root, "model folder not found.");
        if (!File.Exists(index))
            throw new ModelFormatException(index, "not found: a diffusers model folder needs a model_index.json at its root.");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(index), new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException error)
        {
            throw new ModelFormatException(index, $"invalid JSON: {error.Message}", inner: error);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new ModelFormatException(index, "expected a JSON object.");
            string? pipelineClass = null, version = null;
            double? defaultGuidance = null;
            var components = new SortedDictionary<string, ComponentEntry>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "_class_name": pipelineClass = property.Value.GetString(); break;
                    case "_diffusers_version": version = property.Value.GetString(); break;
                    case DefaultGuidanceKey: defaultGuidance = ReadGuidance(index, property.Value); break;
                    default:
                        if (ReadEntry(index, property) is { } entry) components[property.Name] = entry;
                        break;
                }
            }
            if (string.IsNullOrEmpty(pipelineClass))
                throw ModelFormatException.ForField(index, "_class_name", "missing.");
            return new ModelFolder(Path.GetFullPath(root), pipelineClass, version, defaultGuidance, components);
        }
    }

    /// <summary>Sets <see cref="DefaultGuidanceKey"/> in the index of the folder at <paramref name="root"/>, keeping every other entry.</summary>
    public static void WriteDefaultGuidance(string root, double guidance)
    {
        if (!IsSensibleDefaultGuidance(guidance))
            throw new ArgumentOutOfRangeException(nameof(guidance), guidance, "The default guidance must be a finite number ≥ 1.");
        var index = Path.Combine(Open(root).Root, IndexFileName);
        var node = JsonNode.Parse(File.ReadAllText(index))!.AsObject();
        node[DefaultGuidanceKey] = guidance;
        File.WriteAllText(index, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>The component's directory; throws naming the index when it is not declared or not on disk.</summary>
    public string RequireComponent(string name)
    {
        if (!Components.ContainsKey(name))
            throw ModelFormatException.ForField(Path.Combine(Root, IndexFileName), name, "the pipeline has no such component.");
        var directory = Path.Combine(Root, name);
        if (!Directory.Exists(directory))
            throw new ModelFormatException(directory, $"component folder '{name}' is declared in {IndexFileName} but missing.");
        return directory;
    }

    /// <summary>The component's directory, or null when the index declares it absent (e.g. SD3 without T5).</summary>
    public string? OptionalComponent(string name) => Components.ContainsKey(name) ? RequireComponent(name) : null;

    /// <summary>A file inside a component; throws naming the file when it is missing.</summary>
    public string RequireFile(string component, string fileName)
    {
        var path = Path.Combine(RequireComponent(component), fileName);
        if (!File.Exists(path)) throw new ModelFormatException(path, "file not found.");
        return path;
    }

    // g = 1 is the conditional prediction alone; below it guidance pushes away from the prompt, never a sensible default.
    private static bool IsSensibleDefaultGuidance(double g) => double.IsFinite(g) && g >= 1;

    private static double ReadGuidance(string index, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.GetDouble() is var g && IsSensibleDefaultGuidance(g)
            ? g
            : throw ModelFormatException.ForField(index, DefaultGuidanceKey, $"must be a number ≥ 1; got {value.GetRawText()}.");

    private static ComponentEntry? ReadEntry(string index, JsonProperty property)
    {
        var value = property.Value;
        // Non-component keys (booleans, strings such as "requires_safety_checker") are pipeline settings.
        if (value.ValueKind != JsonValueKind.Array) return null;
        if (value.GetArrayLength() != 2)
            throw ModelFormatException.ForField(index, property.Name, "a component entry must be [library, class].");
        var library = value[0].ValueKind == JsonValueKind.String ? value[0].GetString() : null;
        var className = value[1].ValueKind == JsonValueKind.String ? value[1].GetString() : null;
        if (className is null) return null;
        return new ComponentEntry(library ?? "", className);
    }
}

/// <summary>One `model_index.json` entry: the library and class that saved the component.</summary>
public sealed record ComponentEntry(string Library, string ClassName);
