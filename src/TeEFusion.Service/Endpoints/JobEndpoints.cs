using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TeEFusion.Core.Imaging;
using TeEFusion.Service.Contracts;
using TeEFusion.Service.Images;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Webhooks;

namespace TeEFusion.Service.Endpoints;

/// <summary>/v1/jobs: asynchronous generation with polling, Server-Sent Events, image download and cancellation.</summary>
public static class JobEndpoints
{
    public const string LastEventIdHeader = "Last-Event-ID";
    private const int MaxPreferWaitSeconds = 60;

    public static RouteGroupBuilder MapJobEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/jobs").WithTags("Jobs");
        group.MapPost("/", Create)
            .WithName("CreateJob")
            .WithSummary("Queues a generation job; 202 + Location, or 200 with the result if done within `Prefer: wait=N` seconds.")
            .WithDescription("Same body as /v1/images/generations; a multipart/form-data body is an image edit, with the fields of " +
                "/v1/images/edits. `Idempotency-Key` makes a retried create return the same job; " +
                "`Cancel-After: N` cancels the job if it is not done N seconds after it was accepted.")
            .ProducesSubmissionProblems();
        group.MapGet("/{id}", Get)
            .WithName("GetJob")
            .WithSummary("The job's state, queue position, step/total, ETA, timings, warnings and result links.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/events", Events)
            .WithName("JobEvents")
            .WithSummary("Server-Sent Events: queued, one progress per step, then succeeded, failed or canceled.")
            .WithDescription("Each event has an id; reconnect with `Last-Event-ID` to resume after it.")
            .Produces<JobEventData>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/images/{index:int}", Image)
            .WithName("GetJobImage")
            .WithSummary("Image k (0-based) of a succeeded job, in the job's output_format, with its provenance.")
            .WithDescription("image/png with the provenance in text chunks, or image/jpeg or image/webp with it in EXIF UserComment " +
                "and XMP; the file name's extension matches. With ImageStore:Redirect, 302 to a pre-signed URL of the image store instead.")
            .Produces<byte[]>(StatusCodes.Status200OK, ImageFormat.Png.MediaType(), ImageFormat.Jpeg.MediaType(), ImageFormat.Webp.MediaType())
            .Produces(StatusCodes.Status302Found)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapDelete("/{id}", Cancel)
            .WithName("CancelJob")
            .WithSummary("Cancels a job: a queued one at once (200), a running one at its next step boundary (202).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Ok<JobResponse>, Accepted<JobResponse>, ProblemHttpResult>> Create(
        ImageGenerationRequest request, HttpContext http, JobSubmitter submitter, IJobStore store, IWebhookOutbox webhooks, TimeProvider time,
        [FromHeader(Name = "Prefer")] string? prefer) =>
        await Answer(await submitter.SubmitAsync(http, request, "jobs"), http, store, webhooks, time, prefer);

    /// <summary>Answers a job submission (JSON generations and multipart edits alike), waiting as `Prefer: wait=N` asks.</summary>
    internal static async Task<Results<Ok<JobResponse>, Accepted<JobResponse>, ProblemHttpResult>> Answer(
        Submission submission, HttpContext http, IJobStore store, IWebhookOutbox webhooks, TimeProvider time, string? prefer)
    {
        if (submission is not Submission.Accepted { Job: var job, Replayed: var replayed }) return submission.ToProblem(http);
        if (replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
        if (PreferredWait(prefer) is { } wait)
        {
            http.Response.Headers["Preference-Applied"] = $"wait={wait}";
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            patience.CancelAfter(TimeSpan.FromSeconds(wait));
            try
            {
                await store.WaitForCompletionAsync(job.Snapshot.Id, patience.Token);
            }
            catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
            {
                // The wait is over; the job carries on and the client gets its current state.
            }
            http.RequestAborted.ThrowIfCancellationRequested();
            job = await store.GetAsync(job.Snapshot.Id, http.RequestAborted) ?? job;
        }
        var response = Describe(job, http.Request, time) with { Webhook = await webhooks.StatusAsync(job.Snapshot, http.RequestAborted) };
        return job.Snapshot.State.IsFinal() ? TypedResults.Ok(response) : TypedResults.Accepted(response.Links.Self, response);
    }

    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> Get(string id, HttpRequest request, IJobStore store,
        IWebhookOutbox webhooks, TimeProvider time)
    {
        if (await store.GetAsync(id, request.HttpContext.RequestAborted) is not { } job) return NotFound(id);
        return TypedResults.Ok(Describe(job, request, time) with { Webhook = await webhooks.StatusAsync(job.Snapshot, request.HttpContext.RequestAborted) });
    }

    private static async Task<Results<ServerSentEventsResult<JobEventData>, ProblemHttpResult>> Events(string id, HttpRequest request,
        IJobStore store, [FromHeader(Name = LastEventIdHeader)] string? lastEventId)
    {
        if (await store.GetAsync(id, request.HttpContext.RequestAborted) is null) return NotFound(id);
        var after = long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        return TypedResults.ServerSentEvents(Stream(store, id, after, request.HttpContext.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<JobEventData>> Stream(IJobStore store, string id, long after,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (var entry in store.ReadEventsAsync(id, after, cancellation))
            yield return new SseItem<JobEventData>(entry.Data, entry.Type) { EventId = entry.Id.ToString(CultureInfo.InvariantCulture) };
    }

    private static async Task<Results<FileStreamHttpResult, RedirectHttpResult, ProblemHttpResult>> Image(string id, int index, HttpRequest request,
        IJobStore store, ImageFiles files)
    {
        if (await store.GetAsync(id, request.HttpContext.RequestAborted) is not { } job) return NotFound(id);
        var s = job.Snapshot;
        if (s.State != JobState.Succeeded)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "No images",
                detail: $"Job {id} is {s.State.ToString().ToLowerInvariant()}; images exist once it has succeeded.");
        if (index < 0 || index >= s.ImageCount)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Image not found",
                detail: $"Job {id} has images 0 to {s.ImageCount - 1}, not {index}.");
        if (await files.PresignAsync(id, index) is { } presigned) return TypedResults.Redirect(presigned.Url.AbsoluteUri);
        if (await files.OpenAsync(id, index, request.HttpContext.RequestAborted) is not { } file)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Image not found",
                detail: $"Image {index} of job {id} is gone (it expired with the job's retention period).");
        var format = s.Spec.Output.Format;
        return TypedResults.Stream(file, format.MediaType(), $"{id}-{index}{format.Extension()}");
    }

    private static async Task<Results<Ok<JobResponse>, Accepted<JobResponse>, ProblemHttpResult>> Cancel(string id, HttpRequest request,
        IJobStore store, TimeProvider time)
    {
        if (await store.CancelAsync(id, "Canceled by the client.", request.HttpContext.RequestAborted) is not { } cancellation) return NotFound(id);
        var job = cancellation.Status;
        if (cancellation.AlreadyFinished)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Job already finished",
                detail: $"Job {id} is already {job.Snapshot.State.ToString().ToLowerInvariant()}.");
        var response = Describe(job, request, time);
        return job.Snapshot.State == JobState.Canceled ? TypedResults.Ok(response) : TypedResults.Accepted(response.Links.Self, response);
    }

    /// <summary>The problem a synchronous request answers with when its job did not succeed.</summary>
    internal static ProblemHttpResult Unsuccessful(JobSnapshot job)
    {
        // A job ends unsuccessfully only with a code; a missing one would be a bug in the store, not the client's doing.
        var code = job.ErrorCode ?? JobErrorCode.DeviceError;
        var (status, title) = code.HttpProblem();
        return TypedResults.Problem(statusCode: status, title: title, detail: job.Error,
            extensions: new Dictionary<string, object?> { ["job_id"] = job.Id, ["code"] = code.Name() });
    }

    internal static string ImageUrl(HttpRequest request, string id, int index) => ImageUrl(Base(request), id, index);

    private static string ImageUrl(string serviceBase, string id, int index) => $"{serviceBase}/v1/jobs/{id}/images/{index}";

    /// <summary>The service's base URL as the client of <paramref name="request"/> sees it.</summary>
    internal static string Base(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    private static JobResponse Describe(JobStatus job, HttpRequest request, TimeProvider time) => Describe(job, Base(request), time.GetUtcNow());

    /// <summary>The job's JSON with links under <paramref name="serviceBase"/>, as of <paramref name="now"/> (webhooks send it too).</summary>
    internal static JobResponse Describe(JobStatus job, string serviceBase, DateTimeOffset now)
    {
        var s = job.Snapshot;
        var self = $"{serviceBase}/v1/jobs/{s.Id}";
        return new JobResponse
        {
            Id = s.Id,
            State = s.State,
            Model = new JobModel(s.ModelId, s.ModelVersion),
            Input = JobInput.Of(s.Spec),
            QueuePosition = job.QueuePosition,
            Step = s.Step,
            TotalSteps = s.TotalSteps,
            EtaSeconds = s.EtaSeconds,
            CreatedAt = s.CreatedAt,
            StartedAt = s.StartedAt,
            FinishedAt = s.FinishedAt,
            Timings = new JobTimings(
                s.StartedAt is { } started ? (started - s.CreatedAt).TotalMilliseconds : null,
                s.StartedAt is { } start ? ((s.FinishedAt ?? now) - start).TotalMilliseconds : null),
            Warnings = s.Warnings,
            Error = s.ErrorCode is { } code ? new JobError(code.Name(), s.Error ?? "") : null,
            Images = Enumerable.Range(0, s.ImageCount).Select(k => ImageUrl(serviceBase, s.Id, k)).ToList(),
            Links = new JobLinks(self, self + "/events"),
        };
    }

    private static int? PreferredWait(string? prefer)
    {
        foreach (var part in (prefer ?? "").Split(',', ';'))
        {
            var pair = part.Trim().Split('=', 2);
            if (pair.Length == 2 && pair[0].Trim().Equals("wait", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(pair[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                return Math.Min(seconds, MaxPreferWaitSeconds);
        }
        return null;
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Job not found",
            detail: $"No job '{id}': it never existed or was evicted after its retention period.");
}
