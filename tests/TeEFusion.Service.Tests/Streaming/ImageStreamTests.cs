using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TeEFusion.Service.Endpoints;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Streaming;

/// <summary>stream: true on POST /v1/images/generations, read off a real socket by a plain SSE client.</summary>
[Collection("Sequential")]
public sealed class ImageStreamTests(KestrelService service) : IClassFixture<KestrelService>
{
    private HttpClient Client => service.Client;

    private static Dictionary<string, object?> StreamBody(int partialImages, long seed, int steps = 8)
    {
        var body = JobApi.Body(seed: seed, steps: steps);
        body["stream"] = true;
        body["partial_images"] = partialImages;
        return body;
    }

    private Task<(HttpResponseMessage Response, List<RawSseEvent> Events, int Comments)> StreamAsync(object body) =>
        StreamAsync("/v1/images/generations", JsonContent.Create(body));

    private async Task<(HttpResponseMessage Response, List<RawSseEvent> Events, int Comments)> StreamAsync(string route, HttpContent content)
    {
        var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, route) { Content = content }, HttpCompletionOption.ResponseHeadersRead);
        using var timeout = new CancellationTokenSource(JobApi.Patience);
        var (events, comments) = await RawSseReader.ReadAsync(await response.Content.ReadAsStreamAsync(timeout.Token), timeout.Token);
        return (response, events, comments);
    }

    [Fact]
    public async Task Three_partial_images_come_in_order_then_the_completed_image_equal_to_the_unstreamed_one()
    {
        var (response, events, comments) = await StreamAsync(StreamBody(partialImages: 3, seed: 41));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ImageEventStream.ContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("job_", response.Headers.GetValues(ImageEndpoints.JobIdHeader).Single());
        Assert.Equal(["image_generation.partial_image", "image_generation.partial_image", "image_generation.partial_image", "image_generation.completed"],
            events.Select(e => e.Event));
        // One comment per step the stream saw running; steps it reaches only after the job ended are folded (JobEventFolding).
        Assert.InRange(comments, 0, 8);
        var payloads = events.Select(e => JsonDocument.Parse(e.Data).RootElement).ToList();
        Assert.Equal([0, 1, 2], payloads[..3].Select(p => p.GetProperty("partial_image_index").GetInt32()));
        Assert.False(payloads[3].TryGetProperty("partial_image_index", out _));
        foreach (var (payload, name) in payloads.Zip(events.Select(e => e.Event)))
        {
            Assert.Equal(name, payload.GetProperty("type").GetString());
            Assert.InRange(payload.GetProperty("created_at").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(),
                DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            Assert.Equal("32x32", payload.GetProperty("size").GetString());
            Assert.Equal("auto", payload.GetProperty("quality").GetString());
            Assert.Equal("opaque", payload.GetProperty("background").GetString());
            Assert.Equal("png", payload.GetProperty("output_format").GetString());
            JobApi.AssertPng(Convert.FromBase64String(payload.GetProperty("b64_json").GetString()!), 32, 32);
        }
        var previews = payloads[..3].Select(p => p.GetProperty("b64_json").GetString()).ToList();
        Assert.Equal(3, previews.Distinct().Count());

        var unstreamed = await JobApi.JsonAsync(await Client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(seed: 41, steps: 8)));
        Assert.Equal(unstreamed.GetProperty("data")[0].GetProperty("b64_json").GetString(), payloads[3].GetProperty("b64_json").GetString());
    }

    [Fact]
    public async Task A_streamed_edit_sends_image_edit_events_and_completes_with_the_unstreamed_edit()
    {
        (string, string)[] fields = [("prompt", "a red fox"), ("seed", "7"), ("steps", "6"), ("strength", "0.8")];
        var (response, events, _) = await StreamAsync("/v1/images/edits",
            Edits.EditUploads.Edit(mask: true, [.. fields, ("stream", "true"), ("partial_images", "2")]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["image_edit.partial_image", "image_edit.partial_image", "image_edit.completed"], events.Select(e => e.Event));
        var completed = JsonDocument.Parse(events[^1].Data).RootElement;
        Assert.Equal("image_edit.completed", completed.GetProperty("type").GetString());
        var unstreamed = await JobApi.JsonAsync(await Client.PostAsync("/v1/images/edits", Edits.EditUploads.Edit(mask: true, fields)));
        Assert.Equal(unstreamed.GetProperty("data")[0].GetProperty("b64_json").GetString(), completed.GetProperty("b64_json").GetString());
    }

    [Fact]
    public async Task Zero_partial_images_stream_only_the_completed_image_in_the_asked_format()
    {
        var body = StreamBody(partialImages: 0, seed: 42, steps: 3);
        body["output_format"] = "jpeg";

        var (_, events, _) = await StreamAsync(body);

        var completed = JsonDocument.Parse(Assert.Single(events).Data).RootElement;
        Assert.Equal("image_generation.completed", completed.GetProperty("type").GetString());
        Assert.Equal("jpeg", completed.GetProperty("output_format").GetString());
        Assert.Equal([0xFF, 0xD8], Convert.FromBase64String(completed.GetProperty("b64_json").GetString()!)[..2]);
    }

    [Fact]
    public async Task Bad_streaming_fields_are_400s_naming_the_field()
    {
        var tooMany = StreamBody(partialImages: 4, seed: 1);
        var several = StreamBody(partialImages: 1, seed: 1);
        several["n"] = 2;
        var onJobs = JobApi.Body(seed: 1);
        onJobs["stream"] = true;

        foreach (var (route, body, field) in new[] { ("/v1/images/generations", tooMany, "partial_images"), ("/v1/images/generations", several, "n"),
                     ("/v1/jobs", onJobs, "stream") })
        {
            var problem = await ProblemAssert.IsProblemAsync(await Client.PostAsJsonAsync(route, body), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{route}: {problem}");
        }
    }

    [Fact]
    public async Task A_client_that_disconnects_from_the_stream_gets_its_job_canceled()
    {
        using var gate = new StepGate();
        gate.Install(service.Faults);
        try
        {
            using var leave = new CancellationTokenSource();
            var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/images/generations")
            {
                Content = JsonContent.Create(StreamBody(partialImages: 2, seed: 43)),
            }, HttpCompletionOption.ResponseHeadersRead, leave.Token);
            var id = response.Headers.GetValues(ImageEndpoints.JobIdHeader).Single();
            var reading = (await response.Content.ReadAsStreamAsync(leave.Token)).ReadAsync(new byte[4096], leave.Token).AsTask();
            await gate.EnteredAsync();

            // A canceled read and a disposed response close the connection, as a client that goes away does.
            leave.Cancel();
            await reading.ContinueWith(_ => { }, TaskScheduler.Default);
            response.Dispose();
            // Slow steps leave the service time to see the socket close before the job could finish.
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            service.Faults.BeforeStep = _ =>
            {
                Thread.Sleep(200);
                return null;
            };
            gate.Open();

            var job = await JobApi.WaitForStateAsync(Client, id, "canceled");
            Assert.Contains("disconnected", job.GetProperty("error").GetProperty("message").GetString());
        }
        finally
        {
            service.Faults.BeforeStep = null;
        }
    }

    [Fact]
    public async Task A_job_that_fails_mid_stream_ends_it_with_an_error_event()
    {
        var steps = 0;
        service.Faults.BeforeStep = _ => ++steps == 3 ? new InvalidOperationException("injected device fault") : null;
        try
        {
            var (response, events, _) = await StreamAsync(StreamBody(partialImages: 3, seed: 44));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(["image_generation.partial_image", "error"], events.Select(e => e.Event));
            var error = JsonDocument.Parse(events[^1].Data).RootElement;
            Assert.Equal("error", error.GetProperty("type").GetString());
            Assert.Equal("server_error", error.GetProperty("error").GetProperty("type").GetString());
            Assert.Equal("device_error", error.GetProperty("error").GetProperty("code").GetString());
            Assert.Contains("injected device fault", error.GetProperty("error").GetProperty("message").GetString());
        }
        finally
        {
            service.Faults.BeforeStep = null;
        }
    }
}
