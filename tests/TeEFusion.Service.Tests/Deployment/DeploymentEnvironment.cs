using System.Text.Json.Nodes;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Deployment;

/// <summary>
/// The environment variables one way of deploying gives the service (docker/ and deploy/ files, committed examples
/// standing in for the git-ignored key files), by the name of that way.
/// </summary>
public static class DeploymentEnvironment
{
    /// <summary>Names accepted by <see cref="Of"/>.</summary>
    public static readonly string[] Names =
        ["deploy/overlays/cpu", "deploy/overlays/gpu", "docker/compose.yaml", "docker/Dockerfile", "docker/Dockerfile.cuda"];

    /// <summary>The variables of the deployment named <paramref name="name"/> (one of <see cref="Names"/>).</summary>
    public static IReadOnlyDictionary<string, string> Of(string name) => name switch
    {
        "deploy/overlays/cpu" => Kubernetes(),
        "deploy/overlays/gpu" => Merge(Kubernetes(), ConfigMapData("deploy/overlays/gpu/configmap-gpu.yaml")),
        "docker/compose.yaml" => Merge(Compose(), EnvFile("docker/teefusion.env.example")),
        "docker/Dockerfile" or "docker/Dockerfile.cuda" => DockerfileStage.Read(name).Environment,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a deployment of this repository"),
    };

    /// <summary>The kind: Deployment object of deploy/base.</summary>
    public static JsonNode BaseDeployment() => ManifestOfKind("deploy/base/deployment.yaml", "Deployment");

    /// <summary>The first document of kind <paramref name="kind"/> in a manifest file.</summary>
    public static JsonNode ManifestOfKind(string relative, string kind) =>
        RepositoryFiles.Yaml(relative).Single(d => (string?)d["kind"] == kind);

    /// <summary>The compose service that runs the CPU image.</summary>
    public static JsonNode ComposeService(string service = "teefusion") => RepositoryFiles.Yaml("docker/compose.yaml")[0]["services"]![service]!;

    private static Dictionary<string, string> Kubernetes()
    {
        var container = BaseDeployment()["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var explicitEnv = container["env"]?.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"] ?? "") ?? [];
        return Merge(Merge(ConfigMapData("deploy/base/configmap.yaml"), EnvFile("deploy/base/api-keys.env.example")), explicitEnv);
    }

    private static Dictionary<string, string> ConfigMapData(string relative) =>
        ManifestOfKind(relative, "ConfigMap")["data"]!.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value ?? "");

    private static Dictionary<string, string> Compose() =>
        ComposeService()["environment"]!.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value ?? "");

    private static Dictionary<string, string> EnvFile(string relative) =>
        RepositoryFiles.Text(relative).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> first, IReadOnlyDictionary<string, string> second)
    {
        var merged = new Dictionary<string, string>(first);
        foreach (var (key, value) in second) merged[key] = value;
        return merged;
    }
}
