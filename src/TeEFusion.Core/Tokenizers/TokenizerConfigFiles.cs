using System.Globalization;
using System.Text.Json;
using TeEFusion.Core.IO;

namespace TeEFusion.Core.Tokenizers;

/// <summary>
/// The special-token settings of a transformers tokenizer folder: tokenizer_config.json, then
/// special_tokens_map.json on top (transformers lets the map win over the config).
/// </summary>
internal sealed class TokenizerConfigFiles
{
    public const string ConfigFile = "tokenizer_config.json";
    public const string SpecialTokensFile = "special_tokens_map.json";

    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);

    /// <summary>Added tokens by content with their ids (<c>added_tokens_decoder</c>): cut out of raw text as is.</summary>
    public Dictionary<string, int> AddedTokens { get; } = new(StringComparer.Ordinal);

    /// <summary><c>model_max_length</c>, or null where absent or set to transformers' "unlimited" sentinel.</summary>
    public int? ModelMaxLength { get; private set; }

    public string? Token(string key) => _tokens.GetValueOrDefault(key);

    public static TokenizerConfigFiles Load(string folder)
    {
        var config = Path.Combine(folder, ConfigFile);
        var map = Path.Combine(folder, SpecialTokensFile);
        if (!File.Exists(config) && !File.Exists(map))
            throw new ModelFormatException(config, $"neither {ConfigFile} nor {SpecialTokensFile} exists in {folder}; "
                                                   + "the special tokens (pad in particular) differ between models and cannot be guessed.");
        var files = new TokenizerConfigFiles();
        if (File.Exists(config)) files.Read(config, readExtras: true);
        if (File.Exists(map)) files.Read(map, readExtras: false);
        return files;
    }

    private void Read(string path, bool readExtras)
    {
        using var document = Parse(path);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Name.EndsWith("_token", StringComparison.Ordinal) && Content(property.Value) is { } token)
                _tokens[property.Name] = token;
            else if (readExtras && property.Name == "model_max_length" && property.Value.ValueKind == JsonValueKind.Number)
            {
                // transformers writes 1e30 for "no limit"; the caller then falls back to the model's own length.
                var value = property.Value.GetDouble();
                ModelMaxLength = value is > 0 and < int.MaxValue ? (int)value : null;
            }
            else if (readExtras && property.Name == "added_tokens_decoder" && property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var added in property.Value.EnumerateObject())
                {
                    if (!int.TryParse(added.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                        || Content(added.Value) is not { } content)
                        throw new ModelFormatException(path, $"added_tokens_decoder entry '{added.Name}' needs an integer id and a content string.",
                            tensor: "added_tokens_decoder");
                    AddedTokens[content] = id;
                }
            }
        }
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new ModelFormatException(path, "expected a JSON object.");
            return document;
        }
        catch (JsonException error)
        {
            throw new ModelFormatException(path, $"invalid JSON: {error.Message}", inner: error);
        }
    }

    // A token is written either as a plain string or as an AddedToken object with "content".
    private static string? Content(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Object when value.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
        _ => null,
    };
}
