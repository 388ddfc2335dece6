using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using OpenAI.Images;
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
        Assert.Contains(spans, a => a.OperationName == "encode_png" && Tagged(a));
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
        { "{\"prompt\": \"x\", \"output_format\": \"jpeg\"}", "output_format" },
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
