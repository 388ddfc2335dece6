using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI.Images;
using TeEFusion.Core.Imaging;
using TeEFusion.Service.Endpoints;
using TeEFusion.Service.Telemetry;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Endpoints;

[Collection("Sequential")]
public sealed class ImageEndpointsTests(RunningService service) : IClassFixture<RunningService>
{
    private HttpClient Client => service.Client;

    [Fact]
    public async Task Generations_answers_base64_pngs_once_they_exist()
    {
        var response = await Client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(n: 2, seed: 3));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("job_", response.Headers.GetValues(ImageEndpoints.JobIdHeader).Single());
        var body = await JobApi.JsonAsync(response);
        Assert.True(body.GetProperty("created").GetInt64() > 0);
        var images = body.GetProperty("data").EnumerateArray().Select(d => Convert.FromBase64String(d.GetProperty("b64_json").GetString()!)).ToList();
        Assert.Equal(2, images.Count);
        foreach (var png in images) JobApi.AssertPng(png, 32, 32);
        Assert.NotEqual(images[0], images[1]);
    }

    [Fact]
    public async Task Url_format_links_to_the_same_png_as_base64()
    {
        var b64 = await JobApi.JsonAsync(await Client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(seed: 11)));
        var linked = await JobApi.JsonAsync(await Client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(seed: 11, responseFormat: "url")));

        var url = linked.GetProperty("data")[0].GetProperty("url").GetString()!;
        Assert.Matches("^http://localhost/v1/jobs/job_[0-9a-f]+/images/0$", url);
        Assert.False(linked.GetProperty("data")[0].TryGetProperty("b64_json", out _));
        var download = await Client.GetAsync(url);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Convert.FromBase64String(b64.GetProperty("data")[0].GetProperty("b64_json").GetString()!),
            await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_official_OpenAI_SDK_generates_an_image_unchanged()
    {
        await using var factory = ServiceFactory.For(service.Model, ("Auth:ApiKeys:0", "sdk-test-key-0123456789"));
        var client = factory.CreateOpenAIClient("sdk-test-key-0123456789").GetImageClient(TinyModelFolder.FolderName);
        await factory.WaitForModelAsync();

        var result = await client.GenerateImageAsync("a lighthouse at dawn", new ImageGenerationOptions
        {
            Size = new GeneratedImageSize(32, 32),
            ResponseFormat = GeneratedImageFormat.Bytes,
        });

        JobApi.AssertPng(result.Value.ImageBytes.ToArray(), 32, 32);
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("webp")]
    public async Task The_official_OpenAI_SDK_gets_jpeg_and_webp_with_the_provenance_inside(string format)
    {
        await using var factory = ServiceFactory.For(service.Model);
        var client = factory.CreateOpenAIClient().GetImageClient(TinyModelFolder.FolderName);
        await factory.WaitForModelAsync();

#pragma warning disable OPENAI001 // the GPT image options are marked experimental in the SDK
        var result = await client.GenerateImagesAsync("a lighthouse at dawn", 2, new ImageGenerationOptions
        {
            Size = new GeneratedImageSize(32, 32),
            OutputFileFormat = new GeneratedImageFileFormat(format),
            OutputCompressionFactor = 70,
            Background = GeneratedImageBackground.Opaque,
            EndUserId = "sdk-user-1",
        });

        var images = result.Value;
        Assert.Equal(new GeneratedImageFileFormat(format), images.OutputFileFormat);
        Assert.Equal(GeneratedImageBackground.Opaque, images.Background);
#pragma warning restore OPENAI001
        Assert.Equal(2, images.Count);
        var seeds = new List<long>();
        foreach (var image in images)
        {
            var file = image.ImageBytes.ToArray();
            var (read, provenance) = ImageFileReader.Read(file);
            Assert.Equal(format, read.Name());
            Assert.Equal(("a lighthouse at dawn", 32, 32, TinyModelFolder.FolderName), (provenance.Prompt, provenance.Width, provenance.Height, provenance.ModelId));
            using var decoded = SixLabors.ImageSharp.Image.Load(file);
            Assert.Equal((32, 32), (decoded.Width, decoded.Height));
            seeds.Add(provenance.Seed);
        }
        Assert.Equal(seeds[0] + 1, seeds[1]);
    }

    [Fact]
    public async Task The_SDK_surfaces_a_transparent_background_as_a_400_naming_it()
    {
        await using var factory = ServiceFactory.For(service.Model);
        var client = factory.CreateOpenAIClient().GetImageClient(TinyModelFolder.FolderName);
        await factory.WaitForModelAsync();

#pragma warning disable OPENAI001
        var error = await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => client.GenerateImageAsync("glass",
            new ImageGenerationOptions { Size = new GeneratedImageSize(32, 32), Background = GeneratedImageBackground.Transparent }));
#pragma warning restore OPENAI001

        Assert.Equal(400, error.Status);
        var problem = System.Text.Json.JsonDocument.Parse(error.GetRawResponse()!.Content.ToString()).RootElement;
        var message = problem.GetProperty("errors").GetProperty("background")[0].GetString();
        Assert.Contains("'transparent' is not supported", message);
        Assert.Contains("'opaque'", message);
    }

    // The SDK's High is sent as "hd" or "high" depending on its version: both are twice the default, capped at Limits:MaxSteps.
    [Fact]
    public async Task Quality_sets_the_steps_when_none_are_given()
    {
        var defaultSteps = service.Factory.ModelHost.Find(null)!.Defaults!.Steps;
        async Task<int> StepsFor(string? quality, int? steps = null)
        {
            var body = JobApi.Body();
            body.Remove("steps");
            if (steps is not null) body["steps"] = steps;
            if (quality is not null) body["quality"] = quality;
            var job = await JobApi.CreateJobAsync(Client, body);
            await Client.DeleteAsync($"/v1/jobs/{job.GetProperty("id").GetString()}");
            return job.GetProperty("input").GetProperty("steps").GetInt32();
        }

        Assert.Equal(defaultSteps, await StepsFor(null));
        Assert.Equal(defaultSteps, await StepsFor("auto"));
        Assert.Equal(defaultSteps, await StepsFor("medium"));
        Assert.Equal(defaultSteps, await StepsFor("standard"));
        Assert.Equal((defaultSteps + 1) / 2, await StepsFor("low"));
        Assert.Equal(Math.Min(2 * defaultSteps, 50), await StepsFor("high"));
        Assert.Equal(Math.Min(2 * defaultSteps, 50), await StepsFor("hd"));
        Assert.Equal(3, await StepsFor("high", steps: 3));

        var sdk = service.Factory.CreateOpenAIClient().GetImageClient(TinyModelFolder.FolderName);
        var high = await sdk.GenerateImageAsync("a bright room", new ImageGenerationOptions
        {
            Size = new GeneratedImageSize(32, 32), Quality = GeneratedImageQuality.High,
        });
        Assert.Equal(Math.Min(2 * defaultSteps, 50), ImageFileReader.Read(high.Value.ImageBytes.ToArray()).Provenance.Steps);
    }

    [Fact]
    public async Task Png_bytes_are_the_same_with_output_format_png_or_without_and_the_response_names_the_output()
    {
        var plain = await JobApi.JsonAsync(await Client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(seed: 12)));
        var body = JobApi.Body(seed: 12);
        body["output_format"] = "png";
        body["background"] = "auto";
        var named = await JobApi.JsonAsync(await Client.PostAsJsonAsync("/v1/images/generations", body));

        static byte[] Image(System.Text.Json.JsonElement response) => Convert.FromBase64String(response.GetProperty("data")[0].GetProperty("b64_json").GetString()!);
        Assert.Equal(Image(plain), Image(named));
        Assert.Equal(ImageFormat.Png, ImageFileReader.Read(Image(plain)).Format);
        Assert.Equal(("opaque", "png", "32x32", "auto"), (plain.GetProperty("background").GetString(), plain.GetProperty("output_format").GetString(),
            plain.GetProperty("size").GetString(), plain.GetProperty("quality").GetString()));
    }

    [Fact]
    public async Task The_user_is_logged_with_the_job_and_not_in_its_json()
    {
        var logs = new CapturedLogs();
        await using var factory = new ServiceFactory(service.Model.Path, services: s => s.AddSingleton<ILoggerProvider>(logs));
        var client = factory.CreateClient();
        await factory.WaitForModelAsync();
        var body = JobApi.Body();
        body["user"] = "end-user-4711";

        var job = await JobApi.CreateJobAsync(client, body);

        var id = job.GetProperty("id").GetString()!;
        Assert.Contains(logs.Messages, m => m.Contains(id) && m.Contains("end-user-4711"));
        Assert.DoesNotContain("end-user-4711", (await JobApi.WaitForStateAsync(client, id, "succeeded")).ToString());
    }

    [Fact]
    public async Task A_generation_records_spans_tagged_with_its_job_id_and_the_worker_metrics()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ServiceTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) =>
                ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        var response = await Client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(prompt: "traced", steps: 2));

        var id = response.Headers.GetValues(ImageEndpoints.JobIdHeader).Single();
        bool Tagged(Activity a) => (a.GetTagItem(ServiceTelemetry.JobIdTag) as string ?? "").Contains(id);
        Assert.Contains(spans, a => a.OperationName == "enqueue" && Tagged(a));
        Assert.Equal(2, spans.Count(a => a.OperationName == "batch step" && Tagged(a)));
        Assert.Contains(spans, a => a.OperationName == "decode" && Tagged(a));
        Assert.Contains(spans, a => a.OperationName == "encode_image" && Tagged(a));
        var metrics = await Client.GetStringAsync("/metrics");
        foreach (var name in new[] { "teefusion_worker_batch_size", "teefusion_worker_step_duration", "teefusion_queue_wait_time", "teefusion_images_generated" })
            Assert.Contains(name, metrics);
    }

    public static TheoryData<string, string?> BadBodies() => new()
    {
        { "{\"prompt\": \"x\", ", null },                                                  // malformed JSON
        { "{\"prompt\": \"x\", \"n\": \"two\"}", null },                                  // wrong type
        { "{\"prompt\": 42}", null },                                                     // wrong type
        { "{\"prompt\": \"x\", \"guidance_scale\": NaN}", null },                          // NaN literal is not JSON
        { "{\"prompt\": \"x\", \"guidance_scale\": \"NaN\"}", null },                      // a string where a number belongs
        { "{\"prompt\": \"x\", \"response_format\": \"gif\"}", "response_format" },
        { "{\"prompt\": \"x\", \"output_format\": \"gif\"}", "output_format" },
        { "{\"prompt\": \"x\", \"output_format\": \"JPEG\"}", "output_format" },
        { "{\"prompt\": \"x\", \"output_format\": \"jpeg\", \"output_compression\": 101}", "output_compression" },
        { "{\"prompt\": \"x\", \"output_format\": \"webp\", \"output_compression\": -1}", "output_compression" },
        { "{\"prompt\": \"x\", \"output_format\": \"png\", \"output_compression\": 50}", "output_compression" },
        { "{\"prompt\": \"x\", \"output_compression\": 100}", "output_compression" },          // png by default
        { "{\"prompt\": \"x\", \"background\": \"transparent\"}", "background" },
        { "{\"prompt\": \"x\", \"background\": \"blue\"}", "background" },
        { "{\"prompt\": \"x\", \"quality\": \"ultra\"}", "quality" },
        { "{\"prompt\": \"" + new string('a', 2001) + "\"}", "prompt" },
        { "{\"prompt\": \"\"}", "prompt" },
        { "{\"n\": 1}", "prompt" },
        { "{\"prompt\": \"x\", \"size\": \"33x32\"}", "size" },
        { "{\"prompt\": \"x\", \"size\": \"big\"}", "size" },
        { "{\"prompt\": \"x\", \"size\": \"4096x4096\"}", "size" },
        { "{\"prompt\": \"x\", \"n\": 0}", "n" },
        { "{\"prompt\": \"x\", \"n\": 99}", "n" },
        { "{\"prompt\": \"x\", \"steps\": 0}", "steps" },
        { "{\"prompt\": \"x\", \"steps\": -3}", "steps" },
        { "{\"prompt\": \"x\", \"steps\": 51}", "steps" },
        { "{\"prompt\": \"x\", \"guidance_scale\": 1e400}", null },                         // overflows double
        { "{\"prompt\": \"x\", \"guidance_scale\": -1}", "guidance_scale" },
        { "{\"prompt\": \"x\", \"seed\": -5}", "seed" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_a_4xx_problem_naming_the_field_and_the_service_still_serves(string json, string? field)
    {
        var response = await Client.PostAsync("/v1/images/generations", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        if (field is not null) Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}': {problem}");
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(steps: 1))).StatusCode);
    }

    [Fact]
    public async Task Oversized_body_is_413_problem_and_the_service_still_serves()
    {
        var json = "{\"prompt\": \"" + new string('a', 70_000) + "\"}";

        var response = await Client.PostAsync("/v1/images/generations", new StringContent(json, Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(steps: 1))).StatusCode);
    }

    [Fact]
    public async Task Fifty_concurrent_requests_all_succeed_and_none_is_lost()
    {
        var requests = Enumerable.Range(0, 50).Select(async i =>
        {
            var response = await Client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(prompt: $"image {i}", seed: i, steps: 2));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await JobApi.JsonAsync(response);
            JobApi.AssertPng(Convert.FromBase64String(body.GetProperty("data")[0].GetProperty("b64_json").GetString()!), 32, 32);
            return response.Headers.GetValues(ImageEndpoints.JobIdHeader).Single();
        });

        var ids = await Task.WhenAll(requests).WaitAsync(JobApi.Patience);

        Assert.Equal(50, ids.Distinct().Count());
    }
}
