using System.Net;
using System.Net.Http.Json;
using TeEFusion.Service.Models;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;
using TeEFusion.Tooling.Benchmarks;
using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Service.Tests.Host;

/// <summary>
/// The service with no model configured serves the repository's bundled model (models/tiny-shapes), found by its own
/// lookup (the test process runs inside the checkout), and its images show what their captions say.
/// </summary>
[Collection("Sequential")]
public sealed class BundledModelServiceTests
{
    // A seen combination; the image of FirstSeed is the one asserted, the next ones are reported to help choose another.
    private static readonly ShapeAttributes Caption = new(Background: 6, Object: 0, ShapeKind.Circle, new ShapePosition(1, 1), ShapeSize.Large);
    private const long FirstSeed = 0;
    private const int Images = 4;

    [Fact]
    public async Task With_no_model_configured_it_serves_the_bundled_model_and_its_image_matches_the_prompt()
    {
        var bundled = RepositoryBundledModel();
        Assert.True(File.Exists(Path.Combine(bundled, "model_index.json")),
            $"The bundled model is missing: {bundled}/model_index.json does not exist. Train it (teefusion train-tiny) and commit models/tiny-shapes.");
        Assert.Equal(ShapeSplit.Seen, ShapeSplits.Of(Caption));

        await using var factory = new ServiceFactory(modelPath: null, new Dictionary<string, string?> { ["Model:UseBundled"] = "true" });
        var client = factory.CreateClient();
        Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());
        // The student and the teacher it carries, side by side.
        Assert.Equal([("tiny-shapes", bundled), ("tiny-shapes-teacher", Path.Combine(bundled, "teacher"))],
            factory.ModelHost.Models.Select(m => (m.Id, m.Slot.FullPath)));
        Assert.Equal([ModelKind.TeefusionStudent, ModelKind.GuidedTeacher], factory.ModelHost.Models.Select(m => m.Info.Kind));

        // One request for all seeds (the service gives image i the seed seed + i): one batch at the model's default steps.
        client.Timeout = TimeSpan.FromMinutes(5);
        var body = new Dictionary<string, object> { ["prompt"] = Caption.Caption, ["seed"] = FirstSeed, ["n"] = Images, ["size"] = "64x64" };
        var response = await client.PostAsJsonAsync("/v1/images/generations", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await JobApi.JsonAsync(response)).GetProperty("data");
        var detections = Enumerable.Range(0, Images)
            .Select(i => (Seed: FirstSeed + i, Detected: ShapeBench.DetectPng(Convert.FromBase64String(data[i].GetProperty("b64_json").GetString()!)).Attributes))
            .ToList();

        var report = string.Join("; ", detections.Select(d => $"seed {d.Seed}: {d.Detected?.Caption ?? "no object"}"));
        var first = detections[0].Detected;
        Assert.True(first is not null && first.Mismatches(Caption).Count == 0, $"prompt '{Caption.Caption}' gave {report}");
    }

    [Fact]
    public async Task With_the_bundled_model_off_and_no_path_readiness_says_so()
    {
        await using var factory = new ServiceFactory(modelPath: null, new Dictionary<string, string?> { ["Model:UseBundled"] = "false" });
        var client = factory.CreateClient();
        Assert.Equal(ModelHostState.Failed, await factory.WaitForModelAsync());

        var problem = await ProblemAssert.IsProblemAsync(await client.GetAsync("/health/ready"), HttpStatusCode.ServiceUnavailable);

        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("No model is configured", detail);
        Assert.Contains("Model:UseBundled is off", detail);
        Assert.Empty(factory.ModelHost.Models);
    }

    // Found independently of the code under test: the checkout's root holds TeEFusion.Service.sln.
    private static string RepositoryBundledModel()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TeEFusion.Service.sln"))) return Path.Combine(dir.FullName, "models", "tiny-shapes");
        }
        throw new DirectoryNotFoundException("TeEFusion.Service.sln not found above " + AppContext.BaseDirectory);
    }
}
