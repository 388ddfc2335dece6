using System.Text;
using System.Text.Json;
using TeEFusion.Core.Imaging;
using TeEFusion.Service.Contracts;
using TeEFusion.Service.Images;
using TeEFusion.Service.Jobs;

namespace TeEFusion.Service.Endpoints;

/// <summary>
/// OpenAI's streamed image answer (<c>stream: true</c>) for a submitted job, as text/event-stream: each partial_image
/// event of the job becomes <c>{prefix}.partial_image</c>, each finished image <c>{prefix}.completed</c>, every one an
/// <c>event:</c> line and a <c>data:</c> line of <see cref="ImageStreamEvent"/> JSON. A job that fails or is canceled, a job
/// store that fails, or a job evicted mid-stream ends the stream with an <c>error</c> event (<see cref="ImageStreamError"/>),
/// so a stream never hangs; each progress step sends an SSE comment, which keeps idle proxies from closing it. A client that
/// disconnects cancels the job. The prefix is <see cref="GenerationPrefix"/> or <see cref="EditPrefix"/>.
/// </summary>
public static class ImageEventStream
{
    public const string GenerationPrefix = "image_generation";
    public const string EditPrefix = "image_edit";
    public const string ContentType = "text/event-stream";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Streams <paramref name="job"/>'s previews and images until it ends; <paramref name="quality"/> is the request's.</summary>
    public static async Task WriteAsync(HttpContext http, JobStatus job, string eventPrefix, string quality)
    {
        var store = http.RequestServices.GetRequiredService<IJobStore>();
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ImageEventStream));
        var s = job.Snapshot;
        var request = s.Spec.Request;
        ImageStreamEvent Event(string name, string b64) => new($"{eventPrefix}.{name}", b64, time.GetUtcNow().ToUnixTimeSeconds(),
            $"{request.Width}x{request.Height}", quality, OutputRequest.Opaque, s.Spec.Output.Format.Name());

        var response = http.Response;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        // nginx buffers answers by default; previews must arrive when they are drawn.
        response.Headers["X-Accel-Buffering"] = "no";
        // Headers now, not with the first event: the client learns at once that the stream began (and the job's id).
        await response.Body.FlushAsync(http.RequestAborted);
        try
        {
            await foreach (var entry in store.ReadEventsAsync(s.Id, 0, http.RequestAborted))
            {
                if (entry is { Type: "partial_image", Data.B64Json: { } preview })
                    await WriteEventAsync(response, Event("partial_image", preview) with { PartialImageIndex = entry.Data.PartialImageIndex }, http.RequestAborted);
                else if (entry.Type == "progress")
                    await WriteAsync(response, $": step {entry.Data.Step}/{entry.Data.TotalSteps}\n\n", http.RequestAborted);
                if (!entry.IsFinal) continue;
                await FinishAsync(http, store, s.Id, Event, http.RequestAborted);
                return;
            }
            await WriteErrorAsync(response, new ImageStreamErrorDetail("server_error", "evicted", $"Job {s.Id} was evicted before it finished.", s.Id),
                http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // Nobody is left to receive the images: free the device for others.
            await store.CancelAsync(s.Id, "The client disconnected from the stream before the images were ready.", CancellationToken.None);
        }
        catch (JobStoreUnavailableException ex)
        {
            // The answer has begun, so no status code can say it: the error event does, without the store's internals.
            logger.LogError(ex, "The job store failed while streaming job {JobId}", s.Id);
            await WriteErrorAsync(response, new ImageStreamErrorDetail("server_error", "job_store_unavailable",
                "The job store is unavailable; GET /v1/jobs/{id} tells the job's fate once it is back.", s.Id), CancellationToken.None);
        }
        catch (ImageStoreUnavailableException ex)
        {
            logger.LogError(ex, "The image store failed while streaming job {JobId}", s.Id);
            await WriteErrorAsync(response, new ImageStreamErrorDetail("server_error", JobErrorCode.ImageStoreUnavailable.Name(),
                "The image store is unavailable; GET /v1/jobs/{id}/images/{k} serves the images once it is back.", s.Id), CancellationToken.None);
        }
    }

    // The job ended: its images as completed events, or why it has none.
    private static async Task FinishAsync(HttpContext http, IJobStore store, string id, Func<string, string, ImageStreamEvent> @event,
        CancellationToken cancellation)
    {
        var response = http.Response;
        if (await store.GetAsync(id, cancellation) is not { Snapshot: var s })
        {
            await WriteErrorAsync(response, new ImageStreamErrorDetail("server_error", "evicted", $"Job {id} was evicted before its images could be read.", id),
                cancellation);
            return;
        }
        if (s.State != JobState.Succeeded)
        {
            var code = s.ErrorCode ?? JobErrorCode.DeviceError;
            var type = s.State == JobState.Canceled ? "canceled" : "server_error";
            await WriteErrorAsync(response, new ImageStreamErrorDetail(type, code.Name(), s.Error ?? $"The job {s.State.ToString().ToLowerInvariant()}.", id),
                cancellation);
            return;
        }
        for (var k = 0; k < s.ImageCount; k++)
        {
            var file = await http.RequestServices.GetRequiredService<ImageFiles>().ReadAsync(id, k, cancellation)
                ?? throw new JobStoreUnavailableException($"Image {k} of job {id} is missing from the job store.");
            await WriteEventAsync(response, @event("completed", Convert.ToBase64String(file)), cancellation);
        }
    }

    private static Task WriteEventAsync(HttpResponse response, ImageStreamEvent data, CancellationToken cancellation) =>
        WriteAsync(response, $"event: {data.Type}\ndata: {JsonSerializer.Serialize(data, Json)}\n\n", cancellation);

    private static Task WriteErrorAsync(HttpResponse response, ImageStreamErrorDetail error, CancellationToken cancellation) =>
        WriteAsync(response, $"event: error\ndata: {JsonSerializer.Serialize(new ImageStreamError(error), Json)}\n\n", cancellation);

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellation)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellation);
        await response.Body.FlushAsync(cancellation);
    }
}
