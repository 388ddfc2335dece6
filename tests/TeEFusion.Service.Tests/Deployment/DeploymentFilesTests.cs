using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TeEFusion.Core.Runtime;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Deployment;

/// <summary>
/// docker/ and deploy/ against the service they deploy: probe and scrape paths are its routes, every port is the one it
/// listens on, every variable binds a real setting and starts it, and every stop grace period covers its drain.
/// (Their schema and lint checks run in deploy/validate, under .ci/run.)
/// </summary>
public sealed partial class DeploymentFilesTests
{
    // Variables that configure the platform (Kestrel's port, the NVIDIA runtime), not an appsettings.json key.
    private static readonly HashSet<string> PlatformVariables =
        ["ASPNETCORE_HTTP_PORTS", "DOTNET_RUNNING_IN_CONTAINER", "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES"];

    private static readonly string[] Dockerfiles = ["docker/Dockerfile", "docker/Dockerfile.cuda"];

    public static TheoryData<string> Deployments => new(DeploymentEnvironment.Names);

    public static TheoryData<string> DeploymentsWithGracePeriods => new("deploy/overlays/cpu", "deploy/overlays/gpu", "docker/compose.yaml");

    [Fact]
    public async Task Probes_and_health_checks_use_the_service_health_routes()
    {
        await using var factory = new ServiceFactory(modelPath: null);
        var client = factory.CreateClient();
        var routes = NamedGetRoutes(factory);
        var container = Container(DeploymentEnvironment.BaseDeployment());

        Assert.Equal(routes["Live"], (string?)container["startupProbe"]!["httpGet"]!["path"]);
        Assert.Equal(routes["Live"], (string?)container["livenessProbe"]!["httpGet"]!["path"]);
        Assert.Equal(routes["Ready"], (string?)container["readinessProbe"]!["httpGet"]!["path"]);
        foreach (var file in Dockerfiles)
            Assert.Equal(routes["Live"], HealthCheckUrl(DockerfileStage.Read(file)).AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(routes["Live"])).StatusCode);
    }

    [Fact]
    public async Task Prometheus_scrapes_the_metrics_route_and_the_autoscaler_metric_is_on_it()
    {
        await using var factory = new ServiceFactory(modelPath: null);
        var client = factory.CreateClient();
        var annotations = DeploymentEnvironment.BaseDeployment()["spec"]!["template"]!["metadata"]!["annotations"]!;
        var scrape = RepositoryFiles.Yaml("docker/prometheus/prometheus.yml")[0]["scrape_configs"]![0]!;
        var hpaMetric = (string)DeploymentEnvironment.ManifestOfKind("deploy/base/hpa.yaml", "HorizontalPodAutoscaler")["spec"]!["metrics"]![0]!["pods"]!["metric"]!["name"]!;

        var metricsPath = (string)annotations["prometheus.io/path"]!;
        Assert.Equal(metricsPath, (string?)scrape["metrics_path"]);
        var metrics = await client.GetAsync(metricsPath);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains($"# TYPE {hpaMetric} gauge", await metrics.Content.ReadAsStringAsync());
        // The prometheus-adapter rule that turns the series into the HPA's custom metric is documented with it.
        Assert.Contains($"seriesQuery: '{hpaMetric}", RepositoryFiles.Text("deploy/README.md"));
    }

    [Fact]
    public void Every_port_is_the_one_the_container_listens_on()
    {
        var deployment = DeploymentEnvironment.BaseDeployment();
        var container = Container(deployment);
        var port = int.Parse((string)container["ports"]![0]!["containerPort"]!);

        Assert.Equal(port.ToString(), DeploymentEnvironment.Of("deploy/overlays/cpu")["ASPNETCORE_HTTP_PORTS"]);
        Assert.Equal(port.ToString(), (string?)deployment["spec"]!["template"]!["metadata"]!["annotations"]!["prometheus.io/port"]);
        foreach (var file in Dockerfiles)
        {
            var stage = DockerfileStage.Read(file);
            Assert.Equal([port], stage.Exposed);
            Assert.Equal(port.ToString(), stage.Environment["ASPNETCORE_HTTP_PORTS"]);
            Assert.Equal(port, HealthCheckUrl(stage).Port);
        }
        foreach (var service in new[] { "teefusion", "teefusion-gpu" })
            Assert.Equal($"{port}:{port}", (string?)DeploymentEnvironment.ComposeService(service)["ports"]![0]);
        var target = (string)RepositoryFiles.Yaml("docker/prometheus/prometheus.yml")[0]["scrape_configs"]![0]!["static_configs"]![0]!["targets"]![0]!;
        Assert.Equal($"teefusion:{port}", target);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Every_variable_names_a_key_of_appsettings_json(string deployment)
    {
        foreach (var name in DeploymentEnvironment.Of(deployment).Keys)
        {
            if (PlatformVariables.Contains(name)) continue;
            Assert.True(name.Contains("__"), $"{deployment}: {name} is neither an appsettings.json key (Section__Key) nor a known platform variable.");
            Assert.True(AppSettingsKeys.Exists(name), $"{deployment}: {name} names no key of appsettings.json.");
        }
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task The_service_starts_with_the_deployment_s_settings_and_reads_them(string deployment)
    {
        var settings = ServiceSettings(deployment);
        await using var factory = new ServiceFactory(modelPath: null, settings);

        factory.CreateClient();

        var configuration = factory.Services.GetRequiredService<IConfiguration>();
        foreach (var (key, value) in settings) Assert.Equal(value, configuration[key]);
    }

    [Theory]
    [MemberData(nameof(DeploymentsWithGracePeriods))]
    public async Task The_stop_grace_period_covers_the_pause_and_the_service_s_shutdown(string deployment)
    {
        await using var factory = new ServiceFactory(modelPath: null, ServiceSettings(deployment));
        factory.CreateClient();
        var shutdown = factory.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        var drain = int.Parse(DeploymentEnvironment.Of(deployment)["Worker__DrainTimeoutSeconds"]);
        Assert.True(shutdown >= TimeSpan.FromSeconds(drain), $"the host's shutdown timeout {shutdown} is shorter than the drain ({drain} s)");

        if (deployment == "docker/compose.yaml")
        {
            foreach (var service in new[] { "teefusion", "teefusion-gpu" })
            {
                var compose = DeploymentEnvironment.ComposeService(service);
                Assert.Equal("SIGTERM", (string?)compose["stop_signal"]);
                Assert.True(ComposeDuration((string)compose["stop_grace_period"]!) >= shutdown, $"{service}: stop_grace_period < {shutdown}");
            }
            return;
        }
        var pod = DeploymentEnvironment.BaseDeployment()["spec"]!["template"]!["spec"]!;
        var pause = TimeSpan.FromSeconds(int.Parse((string)Container(DeploymentEnvironment.BaseDeployment())["lifecycle"]!["preStop"]!["sleep"]!["seconds"]!));
        var grace = TimeSpan.FromSeconds(int.Parse((string)pod["terminationGracePeriodSeconds"]!));
        Assert.True(grace >= pause + shutdown, $"terminationGracePeriodSeconds {grace} < preStop {pause} + shutdown {shutdown}");
        var patch = RepositoryFiles.Text(deployment + $"/deployment-{deployment.Split('/')[^1]}.yaml");
        Assert.DoesNotContain("terminationGracePeriodSeconds", patch);
        Assert.DoesNotContain("preStop", patch);
        foreach (var file in Dockerfiles) Assert.Equal("SIGTERM", DockerfileStage.Read(file).StopSignal);
    }

    private static JsonNode Container(JsonNode deployment) => deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;

    /// <summary>
    /// The deployment's variables as configuration keys (Section:Key), platform variables left out. A CUDA device on a
    /// machine without CUDA must fail for that reason alone (the value itself is valid); it is then swapped for the CPU
    /// so that every other setting can still start the service.
    /// </summary>
    private static Dictionary<string, string?> ServiceSettings(string deployment)
    {
        var settings = DeploymentEnvironment.Of(deployment).Where(v => !PlatformVariables.Contains(v.Key))
            .ToDictionary(v => v.Key.Replace("__", ":"), v => (string?)v.Value);
        if (settings.TryGetValue("Compute:Device", out var device) && device!.StartsWith("cuda", StringComparison.Ordinal))
        {
            try { ComputeOptions.ParseDevice(device); }
            catch (ArgumentException e)
            {
                Assert.Contains("CUDA is not available", e.Message);
                settings["Compute:Device"] = "cpu";
            }
        }
        return settings;
    }

    private static Dictionary<string, string> NamedGetRoutes(ServiceFactory factory) =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is not null)
            .ToDictionary(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName, e => "/" + e.RoutePattern.RawText!.TrimStart('/'));

    private static Uri HealthCheckUrl(DockerfileStage stage)
    {
        var match = Url().Match(stage.HealthCheck ?? "");
        Assert.True(match.Success, $"{stage}: HEALTHCHECK calls no http:// address");
        return new Uri(match.Value);
    }

    private static TimeSpan ComposeDuration(string value)
    {
        var match = Duration().Match(value);
        Assert.True(match.Success, $"'{value}' is not a compose duration this test reads (e.g. 40s, 1m30s)");
        return TimeSpan.FromMinutes(match.Groups["m"].Success ? int.Parse(match.Groups["m"].Value) : 0)
            + TimeSpan.FromSeconds(match.Groups["s"].Success ? int.Parse(match.Groups["s"].Value) : 0);
    }

    [GeneratedRegex(@"http://[^\s'""]+")]
    private static partial Regex Url();

    [GeneratedRegex(@"^(?:(?<m>\d+)m)?(?:(?<s>\d+)s)?$")]
    private static partial Regex Duration();
}
