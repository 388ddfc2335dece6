using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using TeEFusion.Core.Imaging;
using TeEFusion.Service.Models;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Serving;

/// <summary>
/// The default configuration: the bundled student and its teacher in one process, sharing their encoders and VAE, each
/// request on the model and sampler it names.
/// </summary>
[Collection("Sequential")]
public sealed class StudentAndTeacherServiceTests
{
    private const string AdminKey = "admin-key-for-the-models-tests";
    private const string Prompt = "a small red circle at the top left on a blue background";

    private static ServiceFactory Bundled() => new(modelPath: null,
        new Dictionary<string, string?> { ["Model:UseBundled"] = "true", ["Auth:AdminKeys:0"] = AdminKey });

    [Fact]
    public async Task Both_models_are_listed_with_their_kind_samplers_and_defaults_and_share_one_set_of_encoders_and_one_vae()
    {
        await using var factory = Bundled();
        var client = factory.CreateClient();
        Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());

        var models = (await JobApi.JsonAsync(await client.GetAsync("/v1/models"))).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["tiny-shapes", "tiny-shapes-teacher"], models.Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(["teefusion_student", "guided_teacher"], models.Select(m => m.GetProperty("kind").GetString()));
        Assert.Equal(["student"], Strings(models[0].GetProperty("samplers")));
        Assert.Equal(["euler-cfg", "z-sampling", "w2sd"], Strings(models[1].GetProperty("samplers")));
        Assert.Equal("euler-cfg", models[1].GetProperty("defaults").GetProperty("sampler").GetString());

        // One loaded copy: the very same modules serve both pipelines; only the transformers are their own.
        var (student, teacher) = (factory.ModelHost.Models[0].Pipeline!.Components, factory.ModelHost.Models[1].Pipeline!.Components);
        Assert.Same(student.TextEncoder, teacher.TextEncoder);
        Assert.Same(student.TextEncoder2, teacher.TextEncoder2);
        Assert.Same(student.Vae, teacher.Vae);
        Assert.Same(student.Tokenizer, teacher.Tokenizer);
        Assert.NotSame(student.Transformer, teacher.Transformer);

        // And /admin/status counts them once: each shared part once, held by both models.
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        var status = await JobApi.JsonAsync(await client.GetAsync("/admin/status"));
        var shared = status.GetProperty("shared_components").EnumerateArray().ToList();
        Assert.Equal(["text_encoder", "text_encoder_2", "tokenizer", "tokenizer_2", "vae"], shared.Select(c => c.GetProperty("component").GetString()));
        Assert.All(shared, c => Assert.Equal(2, c.GetProperty("leases").GetInt32()));
        var perModel = status.GetProperty("models").EnumerateArray().ToList();
        foreach (var model in perModel)
        {
            var components = model.GetProperty("components").EnumerateArray().ToDictionary(c => c.GetProperty("component").GetString()!);
            Assert.False(components["transformer"].GetProperty("shared").GetBoolean());
            Assert.Equal(components["transformer"].GetProperty("bytes").GetInt64(), model.GetProperty("own_bytes").GetInt64());
            foreach (var part in shared.Where(p => p.GetProperty("bytes").GetInt64() > 0))
            {
                var used = components[part.GetProperty("component").GetString()!];
                Assert.True(used.GetProperty("shared").GetBoolean());
                Assert.Equal(part.GetProperty("fingerprint").GetString(), used.GetProperty("fingerprint").GetString());
                Assert.Equal(part.GetProperty("bytes").GetInt64(), used.GetProperty("bytes").GetInt64());
            }
        }
        // The shared weights are smaller than a second copy would make them: encoders and VAE ≈ 3 MB, each transformer ≈ 14 MB.
        var sharedBytes = shared.Sum(c => c.GetProperty("bytes").GetInt64());
        Assert.True(sharedBytes > 1_000_000, $"shared {sharedBytes} bytes");
    }

    [Fact]
    public async Task Each_request_runs_on_the_model_and_sampler_it_names_and_bad_choices_are_4xx_naming_the_choices()
    {
        await using var factory = Bundled();
        var client = factory.CreateClient();
        Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());

        var unnamed = await GenerateAsync(client, new Dictionary<string, object> { ["prompt"] = Prompt });
        Assert.Equal(("tiny-shapes", "student"), (unnamed.ModelId, unnamed.Sampler));
        var teacher = await GenerateAsync(client, new Dictionary<string, object> { ["prompt"] = Prompt, ["model"] = "tiny-shapes-teacher" });
        Assert.Equal(("tiny-shapes-teacher", "euler-cfg"), (teacher.ModelId, teacher.Sampler));
        var zigzag = await GenerateAsync(client, new Dictionary<string, object>
        {
            ["prompt"] = Prompt, ["model"] = "tiny-shapes-teacher", ["sampler"] = "z-sampling", ["rounds"] = 2, ["inversion_guidance"] = 0.5,
        });
        Assert.Equal("z-sampling", zigzag.Sampler);

        var wrongSampler = await ProblemAssert.IsProblemAsync(await Post(client, new() { ["prompt"] = Prompt, ["sampler"] = "euler-cfg" }),
            HttpStatusCode.BadRequest);
        Assert.Contains("it runs student", Error(wrongSampler, "sampler"));
        var strayParameter = await ProblemAssert.IsProblemAsync(
            await Post(client, new() { ["prompt"] = Prompt, ["model"] = "tiny-shapes-teacher", ["weak_guidance"] = 1.5, ["rounds"] = 0 }),
            HttpStatusCode.BadRequest);
        Assert.Contains("w2sd sampler only", Error(strayParameter, "weak_guidance"));
        Assert.Contains("z-sampling sampler only", Error(strayParameter, "rounds"));
        var outOfRange = await ProblemAssert.IsProblemAsync(
            await Post(client, new() { ["prompt"] = Prompt, ["model"] = "tiny-shapes-teacher", ["sampler"] = "z-sampling", ["rounds"] = 99 }),
            HttpStatusCode.BadRequest);
        Assert.Contains("between 1 and 4", Error(outOfRange, "rounds"));
        var unknown = await ProblemAssert.IsProblemAsync(await Post(client, new() { ["prompt"] = Prompt, ["model"] = "sd3-large" }),
            HttpStatusCode.NotFound);
        Assert.Contains("'tiny-shapes', 'tiny-shapes-teacher'", unknown.GetProperty("detail").GetString());
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/v1/models/sd3-large"), HttpStatusCode.NotFound);
    }

    private static Task<HttpResponseMessage> Post(HttpClient client, Dictionary<string, object> body) =>
        client.PostAsJsonAsync("/v1/images/generations", body.Concat(new Dictionary<string, object> { ["steps"] = 2, ["seed"] = 3 })
            .ToDictionary());

    private static async Task<ImageProvenance> GenerateAsync(HttpClient client, Dictionary<string, object> body)
    {
        var response = await Post(client, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var png = Convert.FromBase64String((await JobApi.JsonAsync(response)).GetProperty("data")[0].GetProperty("b64_json").GetString()!);
        using var image = Image.Load(png);
        var parameters = image.Metadata.GetPngMetadata().TextData.Single(t => t.Keyword == ImageProvenance.ParametersKeyword).Value;
        return ImageProvenance.FromJson(parameters);
    }

    private static string Error(JsonElement problem, string field) =>
        string.Join(" ", Strings(problem.GetProperty("errors").GetProperty(field)));

    private static List<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()).ToList();
}
