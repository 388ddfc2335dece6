using System.Text.Json;

namespace TeEFusion.Core.IO;

/// <summary>Reads a component's `config.json` (diffusers/transformers style: snake_case keys, extra keys allowed).</summary>
public static class ConfigJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true };

    public static T Load<T>(string path)
    {
        if (!File.Exists(path)) throw new ModelFormatException(path, "file not found.");
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<T>(stream, Options)
                   ?? throw new ModelFormatException(path, "the file holds JSON null, not a configuration object.");
        }
        catch (JsonException error)
        {
            var where = error.Path is { Length: > 0 } p ? $" at {p}" : "";
            throw new ModelFormatException(path, $"invalid configuration{where}: {error.Message}", inner: error);
        }
    }

    /// <summary>Loads and validates a config; a validation fault becomes a <see cref="ModelFormatException"/> naming the file and key.</summary>
    public static T LoadValidated<T>(string path) where T : IValidatedConfig
    {
        var config = Load<T>(path);
        try
        {
            config.Validate();
        }
        catch (ArgumentException error)
        {
            throw ModelFormatException.ForField(path, error.ParamName, StripParamSuffix(error), error);
        }
        return config;
    }

    // ArgumentException appends " (Parameter 'x')" to Message; the file/field prefix already says which key.
    private static string StripParamSuffix(ArgumentException error) =>
        error.ParamName is null ? error.Message : error.Message.Replace($" (Parameter '{error.ParamName}')", "", StringComparison.Ordinal);

    public static void Save<T>(string path, T config)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(config, WriteOptions) + "\n");
    }
}
