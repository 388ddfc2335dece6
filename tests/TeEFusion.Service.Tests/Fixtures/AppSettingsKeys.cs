using System.Text.Json.Nodes;

namespace TeEFusion.Service.Tests.Fixtures;

/// <summary>Whether a configuration key (Section:Key, or Section__Key as an environment variable) is one of appsettings.json's.</summary>
public static class AppSettingsKeys
{
    private static readonly Lazy<JsonNode> Settings = new(() => JsonNode.Parse(RepositoryFiles.Text("appsettings.json"))!);

    /// <summary>
    /// True when every segment names a property (case-insensitively, as configuration binds) or, under an array, is an
    /// index (so Auth:ApiKeys:0 and Model:Serve:0:Path exist while appsettings.json's lists are empty).
    /// </summary>
    private static readonly JsonObject AnyKeys = new();

    public static bool Exists(string key)
    {
        JsonNode? node = Settings.Value;
        foreach (var segment in key.Replace("__", ":").Split(':'))
        {
            node = node switch
            {
                JsonObject o => o.FirstOrDefault(p => string.Equals(p.Key, segment, StringComparison.OrdinalIgnoreCase)).Value,
                // An element of a list appsettings.json leaves empty (Model:Serve, Auth:ApiKeys) may be a value or hold keys.
                JsonArray { Count: 0 } when int.TryParse(segment, out _) => AnyKeys,
                JsonArray array when int.TryParse(segment, out _) => array[0] ?? JsonValue.Create(""),
                _ => null,
            };
            if (node is null) return false;
            if (ReferenceEquals(node, AnyKeys)) return true;
        }
        return true;
    }
}
