using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using SixLabors.ImageSharp;
using TeEFusion.Core.Imaging;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Endpoints;

/// <summary>
/// The job API's contract, the same for every job store: each provider's test class derives from this one with its own
/// running service, so every fact here runs against the in-process store and against Redis.
/// </summary>
public abstract class JobEndpointsContract(RunningService service)
{
    private HttpClient Client => service.Client;

    [Fact]
    public async Task Create_answers_202_with_location_then_the_job_succeeds_with_image_links()
    {
        var response = await Client.PostAsJsonAsync("/v1/jobs", JobApi.Body(seed: 21, steps: 3));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var created = await JobApi.JsonAsync(response);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal($"http://localhost/v1/jobs/{id}", response.Headers.Location?.ToString());
        Assert.Equal(3, created.GetProperty("total_steps").GetInt32());
        Assert.Equal(21, created.GetProperty("input").GetProperty("seed").GetInt64());
        Assert.Equal("png", created.GetProperty("input").GetProperty("output_format").GetString());
        Assert.False(created.GetProperty("input").TryGetProperty("output_compression", out _));

        var done = await JobApi.WaitForStateAsync(Client, id, "succeeded");
        Assert.Equal(3, done.GetProperty("step").GetInt32());
        Assert.True(done.GetProperty("timings").GetProperty("running_ms").GetDouble() > 0);
        Assert.Equal(TinyModelFolder.FolderName, done.GetProperty("model").GetProperty("id").GetString());
        var link = done.GetProperty("images")[0].GetString()!;
        var png = await Client.GetAsync(link);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{id}-0.png", png.Content.Headers.ContentDisposition?.FileName);
        JobApi.AssertPng(await png.Content.ReadAsByteArrayAsync(), 32, 32);
        await ProblemAssert.IsProblemAsync(await Client.GetAsync($"/v1/jobs/{id}/images/1"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await Client.DeleteAsync($"/v1/jobs/{id}"), HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("jpeg", "image/jpeg", ".jpg")]
    [InlineData("webp", "image/webp", ".webp")]
    public async Task A_jpeg_or_webp_job_shows_its_format_and_serves_each_image_with_its_content_type_and_provenance(string format,
        string contentType, string extension)
    {
        var body = JobApi.Body(seed: 40, steps: 2, n: 2);
        body["output_format"] = format;
        body["output_compression"] = 80;

        var created = await JobApi.CreateJobAsync(Client, body);

        var input = created.GetProperty("input");
        Assert.Equal((format, 80), (input.GetProperty("output_format").GetString(), input.GetProperty("output_compression").GetInt32()));
        var id = created.GetProperty("id").GetString()!;
        var done = await JobApi.WaitForStateAsync(Client, id, "succeeded");
        for (var k = 0; k < 2; k++)
        {
            var response = await Client.GetAsync(done.GetProperty("images")[k].GetString());
            Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal($"{id}-{k}{extension}", response.Content.Headers.ContentDisposition?.FileName);
            var file = await response.Content.ReadAsByteArrayAsync();
            var (read, provenance) = ImageFileReader.Read(file);
            Assert.Equal(format, read.Name());
            Assert.Equal((40L + k, 2, 32, 32, TinyModelFolder.FolderName), (provenance.Seed, provenance.Steps, provenance.Width, provenance.Height, provenance.ModelId));
            using var image = Image.Load(file);
            Assert.Equal((32, 32), (image.Width, image.Height));
        }
    }

    [Fact]
    public async Task Unknown_job_is_404_problem_on_every_route()
    {
        await ProblemAssert.IsProblemAsync(await Client.GetAsync("/v1/jobs/job_nope"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await Client.GetAsync("/v1/jobs/job_nope/events"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await Client.GetAsync("/v1/jobs/job_nope/images/0"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await Client.DeleteAsync("/v1/jobs/job_nope"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Prefer_wait_answers_200_with_the_finished_job()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = JsonContent.Create(JobApi.Body(steps: 2)) };
        request.Headers.Add("Prefer", "wait=30");

        var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("wait=30", response.Headers.GetValues("Preference-Applied").Single());
        Assert.Equal("succeeded", (await JobApi.JsonAsync(response)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Events_stream_queued_progress_per_step_and_succeeded_and_a_finished_job_replays_without_progress_under_the_same_ids()
    {
        var id = (await JobApi.CreateJobAsync(Client, JobApi.Body(steps: 3, seed: 5))).GetProperty("id").GetString()!;

        // Read while the job may still run: a progress event per step reaches a reader that is there in time, and once
        // the job has ended its progress events are folded (JobEventFolding), so which ones arrive depends on timing;
        // their ids and steps never do.
        var events = await ReadEventsAsync(id, lastEventId: null);
        Assert.Equal(("queued", "1"), (events[0].EventType, events[0].EventId));
        Assert.Equal(("succeeded", "5"), (events[^1].EventType, events[^1].EventId));
        Assert.Equal("succeeded", JsonDocument.Parse(events[^1].Data).RootElement.GetProperty("state").GetString());
        foreach (var progress in events.Where(e => e.EventType != "queued" && e.EventType != "succeeded"))
        {
            Assert.Equal("progress", progress.EventType);
            Assert.Equal(int.Parse(progress.EventId!) - 1, JsonDocument.Parse(progress.Data).RootElement.GetProperty("step").GetInt32());
        }

        var replay = await ReadEventsAsync(id, lastEventId: null);
        Assert.Equal([("queued", "1"), ("succeeded", "5")], replay.Select(e => (e.EventType, e.EventId)));
        var resumed = await ReadEventsAsync(id, lastEventId: "3");
        Assert.Equal(["5"], resumed.Select(e => e.EventId));
        Assert.Equal(events[^1].Data, resumed[^1].Data);
    }

    [Fact]
    public async Task Partial_images_put_previews_of_every_image_on_the_job_stream_after_their_steps()
    {
        var body = JobApi.Body(steps: 6, seed: 19, n: 2);
        body["partial_images"] = 2;
        var id = (await JobApi.CreateJobAsync(Client, body)).GetProperty("id").GetString()!;

        var events = await ReadEventsAsync(id, lastEventId: null);

        Assert.Equal("succeeded", events[^1].EventType);
        var previews = events.Select((e, i) => (Event: e, At: i)).Where(e => e.Event.EventType == "partial_image").ToList();
        var data = previews.Select(p => JsonDocument.Parse(p.Event.Data).RootElement).ToList();
        Assert.Equal([(2, 0, 0), (2, 1, 0), (4, 0, 1), (4, 1, 1)],
            data.Select(d => (d.GetProperty("step").GetInt32(), d.GetProperty("image_index").GetInt32(), d.GetProperty("partial_image_index").GetInt32())));
        foreach (var d in data) JobApi.AssertPng(Convert.FromBase64String(d.GetProperty("b64_json").GetString()!), 32, 32);
        // Each preview follows the progress event of the step it was drawn after: 1 queued, 2-3 steps 1-2, 4-5 the
        // previews, 6-7 steps 3-4, 8-9 the previews, ... (the ids are kept once progress events are folded).
        Assert.Equal(["4", "5", "8", "9"], previews.Select(p => p.Event.EventId));
        Assert.All(events.Where(e => e.EventType == "progress"), e => Assert.DoesNotContain("b64_json", e.Data));
    }

    [Fact]
    public async Task Idempotency_key_returns_the_same_job_and_refuses_a_different_body()
    {
        async Task<HttpResponseMessage> Post(object body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", "retry-me-1");
            return await Client.SendAsync(request);
        }

        var first = await JobApi.JsonAsync(await Post(JobApi.Body(seed: 77)));
        var again = await Post(JobApi.Body(seed: 77));
        var other = await Post(JobApi.Body(seed: 78));

        Assert.Equal(first.GetProperty("id").GetString(), (await JobApi.JsonAsync(again)).GetProperty("id").GetString());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        var problem = await ProblemAssert.IsProblemAsync(other, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("retry-me-1", problem.GetProperty("detail").GetString());
        await JobApi.WaitForStateAsync(Client, first.GetProperty("id").GetString()!, "succeeded");
    }

    [Fact]
    public async Task Malformed_Cancel_After_is_400_naming_the_header()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = JsonContent.Create(JobApi.Body()) };
        request.Headers.Add("Cancel-After", "soon");

        var problem = await ProblemAssert.IsProblemAsync(await Client.SendAsync(request), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("Cancel-After", out _));
    }

    [Fact]
    public async Task Swagger_documents_the_generation_and_job_routes_with_their_error_responses_and_output_fields()
    {
        var document = JsonDocument.Parse(await Client.GetStringAsync("/swagger/v1/swagger.json")).RootElement;
        var paths = document.GetProperty("paths");

        var generate = paths.GetProperty("/v1/images/generations").GetProperty("post");
        foreach (var status in new[] { "200", "400", "401", "413", "429", "503" })
            Assert.True(generate.GetProperty("responses").TryGetProperty(status, out _), $"generations lacks {status}");
        Assert.True(generate.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(generate.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
        foreach (var status in new[] { "200", "202", "400", "429" })
            Assert.True(paths.GetProperty("/v1/jobs").GetProperty("post").GetProperty("responses").TryGetProperty(status, out _), $"jobs lacks {status}");
        Assert.True(paths.GetProperty("/v1/jobs/{id}/events").GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").TryGetProperty("text/event-stream", out _));
        var image = paths.GetProperty("/v1/jobs/{id}/images/{index}").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
        foreach (var type in new[] { "image/png", "image/jpeg", "image/webp" }) Assert.True(image.TryGetProperty(type, out _), $"images lacks {type}");
        var fields = document.GetProperty("components").GetProperty("schemas").GetProperty("ImageGenerationRequest").GetProperty("properties");
        foreach (var field in new[] { "output_format", "output_compression", "background", "quality", "user", "stream", "partial_images" })
            Assert.False(string.IsNullOrWhiteSpace(fields.GetProperty(field).GetProperty("description").GetString()), $"{field} has no description");
        Assert.Contains("twice", fields.GetProperty("quality").GetProperty("description").GetString());
        Assert.True(paths.GetProperty("/v1/jobs/{id}").TryGetProperty("delete", out _));
    }

    private async Task<List<SseItem<string>>> ReadEventsAsync(string id, string? lastEventId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{id}/events");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var timeout = new CancellationTokenSource(JobApi.Patience);
        var items = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync(timeout.Token)).EnumerateAsync(timeout.Token))
            items.Add(item);
        return items;
    }
}
