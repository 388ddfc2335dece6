using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Host;

public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Limits:MinGuidance", "9", "Limits:MinGuidance (9) must not exceed Limits:MaxGuidance")]
    [InlineData("Limits:AllowedSizes:0", "500x500", "Limits:AllowedSizes entry '500x500' is not a multiple of 16")]
    [InlineData("Limits:AllowedSizes:0", "big", "Limits:AllowedSizes entry 'big' is not of the form WxH")]
    [InlineData("Limits:MaxSteps", "0", "MaxSteps")]
    [InlineData("Compute:Device", "tpu", "Compute:Device: Unknown device 'tpu'")]
    [InlineData("Compute:Device", "simulated", "Compute:Device: 'simulated' is the benchmarks' simulated device (every image is a fixed file); it runs only with Bench:SimulatedDevice:Enabled = true.")]
    [InlineData("Compute:DType", "int8", "Compute:DType: Unknown dtype 'int8'")]
    [InlineData("Auth:ApiKeys:0", "short", "Auth:ApiKeys[0] must be at least 16 characters")]
    [InlineData("Queue:Capacity", "0", "Capacity")]
    [InlineData("Batching:MaxBatchSize", "0", "MaxBatchSize")]
    [InlineData("Worker:DrainTimeoutSeconds", "-1", "DrainTimeoutSeconds")]
    [InlineData("Telemetry:OtlpEndpoint", "not a url", "Telemetry:OtlpEndpoint 'not a url' is not an absolute http(s) address")]
    [InlineData("Webhooks:Secret", "whsec_c2hvcnQ=", "Webhooks:Secret: secret 1: the part after whsec_ must be base64 of 24 to 64 bytes")]
    [InlineData("Webhooks:AllowedNetworks:0", "10.0.0.0/33", "Webhooks:AllowedNetworks: '10.0.0.0/33' is not a CIDR")]
    [InlineData("Webhooks:AttemptTimeoutSeconds", "30", "Webhooks:DeadlineSeconds (20) must be at least Webhooks:AttemptTimeoutSeconds (30)")]
    public async Task Invalid_options_stop_the_host_from_starting_with_a_message_naming_the_key(string key, string value, string expected)
    {
        await using var factory = new ServiceFactory(modelPath: null, new Dictionary<string, string?> { [key] = value, ["Limits:MaxGuidance"] = "5", ["Webhooks:DeadlineSeconds"] = "20" });

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Every_value_of_the_top_level_appsettings_file_reaches_the_service()
    {
        var file = RepositoryFiles.Path("appsettings.json");
        var leaves = new Dictionary<string, string?>();
        Flatten(JsonDocument.Parse(File.ReadAllText(file)).RootElement, "", leaves);
        await using var factory = new ServiceFactory(modelPath: null);
        factory.CreateClient();
        var configuration = factory.Services.GetRequiredService<IConfiguration>();

        Assert.NotEmpty(leaves);
        // ServiceFactory sets these two on purpose (no model: no path, no bundled model).
        foreach (var (key, value) in leaves.Where(l => l.Key is not ("Model:Path" or "Model:UseBundled")))
            Assert.True(configuration[key] == value, $"{key}: appsettings.json says '{value}', the service read '{configuration[key]}'.");
        foreach (var section in new[] { "Model", "Compute", "Queue", "Batching", "Limits", "Auth", "Telemetry", "Worker" })
            Assert.True(configuration.GetSection(section).Exists(), $"appsettings.json has no '{section}' section.");
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string?> leaves)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject()) Flatten(property.Value, Join(prefix, property.Name), leaves);
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray()) Flatten(item, Join(prefix, (index++).ToString(CultureInfo.InvariantCulture)), leaves);
                break;
            case JsonValueKind.String:
                leaves[prefix] = element.GetString();
                break;
            default:
                leaves[prefix] = element.ValueKind switch
                {
                    JsonValueKind.True => "True",
                    JsonValueKind.False => "False",
                    _ => element.GetRawText(),
                };
                break;
        }
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + ":" + name;
}
