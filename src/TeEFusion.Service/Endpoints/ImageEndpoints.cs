using Microsoft.AspNetCore.Http.HttpResults;
using TeEFusion.Core.Imaging;
using TeEFusion.Service.Contracts;
using TeEFusion.Service.Images;
using TeEFusion.Service.Jobs;

namespace TeEFusion.Service.Endpoints;

/// <summary>POST /v1/images/generations: OpenAI's synchronous image endpoint, answered once the images exist.</summary>
public static class ImageEndpoints
{
    /// <summary>Response header carrying the job behind a synchronous request (for logs, GET and DELETE /v1/jobs/{id}).</summary>
    public const string JobIdHeader = "X-Job-Id";

    // nginx's code for a client that went away; nobody reads the answer, logs do.
    private const int ClientClosedRequest = 499;

    public static RouteGroupBuilder MapImageEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/images").WithTags("Images");
        group.MapPost("/generations", Generate)
            .WithName("CreateImage")
            .WithSummary("Generates images (OpenAI `POST /v1/images/generations`); answers when they are done.")
            .WithDescription("OpenAI's fields (output_format png, jpeg or webp; output_compression; background; quality as steps; user) " +
                "plus the extensions seed, steps, guidance_scale, negative_prompt and sampler. " +
                "Idempotency-Key and Cancel-After headers are honoured. A client that disconnects cancels its job. " +
                "`stream: true` (n = 1) answers text/event-stream: `partial_images` (0–3) `image_generation.partial_image` events, " +
                "previews of the predicted clean image at evenly spaced steps, then `image_generation.completed`; a job that fails " +
                "after the stream began ends it with an `error` event.")
            .Produces<ImageGenerationResponse>(StatusCodes.Status200OK)
            .Produces<ImageStreamEvent>(StatusCodes.Status200OK, ImageEventStream.ContentType)
            .ProducesSubmissionProblems()
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        return group;
    }

    private static async Task<Results<Ok<ImageGenerationResponse>, EmptyHttpResult, ProblemHttpResult>> Generate(
        ImageGenerationRequest request, HttpContext http, JobSubmitter submitter, IJobStore store) =>
        await Answer(await submitter.SubmitAsync(http, request, "images"), request, ImageEventStream.GenerationPrefix, http, store);

    /// <summary>
    /// Waits for a submitted job and answers with its images, or streams its events as OpenAI's <paramref name="eventPrefix"/>
    /// events when the request streams (shared by generations and edits).
    /// </summary>
    internal static async Task<Results<Ok<ImageGenerationResponse>, EmptyHttpResult, ProblemHttpResult>> Answer(
        Submission submission, ImageGenerationRequest request, string eventPrefix, HttpContext http, IJobStore store)
    {
        if (submission is not Submission.Accepted accepted) return submission.ToProblem(http);
        var id = accepted.Job.Snapshot.Id;
        http.Response.Headers[JobIdHeader] = id;
        if (request.Stream == true)
        {
            await ImageEventStream.WriteAsync(http, accepted.Job, eventPrefix, request.Quality ?? QualitySteps.Auto);
            return TypedResults.Empty;
        }
        try
        {
            await store.WaitForCompletionAsync(id, http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // Nobody is left to receive the images: free the device for others.
            await store.CancelAsync(id, "The client disconnected before the images were ready.", CancellationToken.None);
            return TypedResults.Problem(statusCode: ClientClosedRequest, title: "Client closed request", detail: id);
        }
        if (await store.GetAsync(id, http.RequestAborted) is not { } job)
            return TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Generation failed",
                detail: $"Job {id} was evicted before its images could be read.");
        var snapshot = job.Snapshot;
        if (snapshot.State != JobState.Succeeded) return JobEndpoints.Unsuccessful(snapshot);

        var urls = request.ResponseFormat == ImageGenerationRequestValidator.Url;
        var files = http.RequestServices.GetRequiredService<ImageFiles>();
        var data = new List<GeneratedImageData>();
        for (var k = 0; k < snapshot.ImageCount; k++)
        {
            if (urls)
            {
                // A pre-signed URL of the image store when redirecting (the client fetches it there), else the service's own.
                data.Add(await files.PresignAsync(id, k) is { } presigned
                    ? new GeneratedImageData(null, presigned.Url.AbsoluteUri) { ExpiresAt = presigned.ExpiresAt.ToUnixTimeSeconds() }
                    : new GeneratedImageData(null, JobEndpoints.ImageUrl(http.Request, id, k)));
                continue;
            }
            var file = await files.ReadAsync(id, k, http.RequestAborted)
                ?? throw new JobStoreUnavailableException($"Image {k} of job {id} is missing from the job store.");
            data.Add(new GeneratedImageData(Convert.ToBase64String(file), null));
        }
        var resolved = snapshot.Spec.Request;
        return TypedResults.Ok(new ImageGenerationResponse(snapshot.CreatedAt.ToUnixTimeSeconds(), data)
        {
            Background = OutputRequest.Opaque,
            OutputFormat = snapshot.Spec.Output.Format.Name(),
            Size = $"{resolved.Width}x{resolved.Height}",
            Quality = request.Quality ?? QualitySteps.Auto,
        });
    }
}
