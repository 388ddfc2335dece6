using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TeEFusion.Service.Contracts;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Webhooks;

namespace TeEFusion.Service.Endpoints;

/// <summary>
/// POST /v1/images/edits (OpenAI's, multipart/form-data) and the multipart form of POST /v1/jobs: image-to-image, or
/// inpainting with a mask, through the same submitter, queue and worker as generations. Routing picks these endpoints
/// by Content-Type (their Accepts metadata), so a JSON POST /v1/jobs still reaches the generation endpoint.
/// </summary>
public static class ImageEditEndpoints
{
    public static IEndpointRouteBuilder MapImageEditEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/images/edits", Edit)
            .WithTags("Images")
            .WithName("CreateImageEdit")
            .WithSummary("Edits an image (OpenAI `POST /v1/images/edits`): image-to-image, or inpainting with a mask; answers when done.")
            .WithDescription("multipart/form-data: `image` (PNG, JPEG or WebP), `prompt`, optional `mask` (a PNG of the image's size whose fully " +
                "transparent pixels are repainted) and `strength` (0.6 by default, 1.0 with a mask), plus every field of " +
                "/v1/images/generations. The output has the image's size unless `size` is given (the image is then resized to it).")
            .Accepts<ImageEditForm>("multipart/form-data")
            .DisableAntiforgery()
            .ProducesSubmissionRefusals()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        // Same route as CreateJob; OpenAPI shows that one (two operations on one path and method are not allowed there).
        routes.MapPost("/jobs", CreateJob)
            .WithTags("Jobs")
            .WithName("CreateEditJob")
            .Accepts<ImageEditForm>("multipart/form-data")
            .DisableAntiforgery()
            .ExcludeFromDescription();
        return routes;
    }

    private static async Task<Results<Ok<ImageGenerationResponse>, EmptyHttpResult, ProblemHttpResult>> Edit(HttpContext http, JobSubmitter submitter,
        IJobStore store)
    {
        var (upload, errors) = await ImageEditFormReader.ReadAsync(http.Request, http.RequestAborted);
        if (upload is null) return new Submission.Invalid(errors).ToProblem(http);
        return await ImageEndpoints.Answer(await submitter.SubmitAsync(http, upload, "images/edits"), upload.Request, ImageEventStream.EditPrefix, http, store);
    }

    private static async Task<Results<Ok<JobResponse>, Accepted<JobResponse>, ProblemHttpResult>> CreateJob(HttpContext http, JobSubmitter submitter,
        IJobStore store, IWebhookOutbox webhooks, TimeProvider time, [FromHeader(Name = "Prefer")] string? prefer)
    {
        var (upload, errors) = await ImageEditFormReader.ReadAsync(http.Request, http.RequestAborted);
        if (upload is null) return new Submission.Invalid(errors).ToProblem(http);
        return await JobEndpoints.Answer(await submitter.SubmitAsync(http, upload, "jobs"), http, store, webhooks, time, prefer);
    }
}
