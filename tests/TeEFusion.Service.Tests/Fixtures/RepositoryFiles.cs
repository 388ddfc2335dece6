using System.Text.Json.Nodes;
using TeEFusion.Tests.Shared;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace TeEFusion.Service.Tests.Fixtures;

/// <summary>The checked-out repository's own files (the folder holding TeEFusion.Service.sln), read as text, JSON or YAML.</summary>
public static class RepositoryFiles
{
    public static string Root => RepositoryRoot.Path;

    /// <summary>The absolute path of <paramref name="relative"/> (forward slashes, from the repository root).</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    public static string Text(string relative) => RepositoryRoot.ReadText(relative);

    /// <summary>
    /// Every document of a YAML file as JSON (scalars stay strings, as YAML wrote them: callers parse numbers), so that
    /// tests navigate manifests with System.Text.Json.
    /// </summary>
    public static IReadOnlyList<JsonNode> Yaml(string relative)
    {
        var deserializer = new DeserializerBuilder().Build();
        var json = new SerializerBuilder().JsonCompatible().Build();
        var parser = new Parser(new StringReader(Text(relative)));
        parser.Consume<StreamStart>();
        var documents = new List<JsonNode>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var document = deserializer.Deserialize<object?>(parser);
            if (document is not null) documents.Add(JsonNode.Parse(json.Serialize(document))!);
        }
        return documents;
    }
}
