using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TeEFusion.Core.Imaging;
using TeEFusion.Service.Contracts;
using TeEFusion.Service.Health;
using TeEFusion.Service.Models;
using TeEFusion.Service.Options;
using TeEFusion.Service.Security;
using TeEFusion.Service.Telemetry;
using TeEFusion.Service.Webhooks;

namespace TeEFusion.Service.Jobs;

/// <summary>
/// Turns a request into a queued job for both the synchronous and the asynchronous endpoints: refuses while draining
/// or without a model, validates and resolves the request once (every bad field listed), applies Idempotency-Key and
/// Cancel-After, and enqueues without waiting (refused with Retry-After when the queue is full).
/// </summary>
public sealed class JobSubmitter(
    ModelHost models,
    IJobStore store,
    ServiceHealth health,
    IOptions<LimitsOptions> limits,
    IOptions<WorkerOptions> worker,
    IOptions<QueueOptions> queueOptions,
    WebhookRequests webhooks,
    WebhookListener webhookListener,
    TimeProvider time,
    ILogger<JobSubmitter> logger)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string CancelAfterHeader = "Cancel-After";
    private const int MaxIdempotencyKeyLength = 255;

    /// <summary>Submits a request; <paramref name="route"/> names the endpoint, so that one key used on both endpoints makes two jobs.</summary>
    public Task<Submission> SubmitAsync(HttpContext http, ImageGenerationRequest request, string route) => SubmitAsync(http, request, route, edit: null);

    /// <summary>Submits an image edit (multipart): the same checks and queue as a generation, its files validated by <see cref="ImageEditValidator"/>.</summary>
    public Task<Submission> SubmitAsync(HttpContext http, ImageEditUpload edit, string route) => SubmitAsync(http, edit.Request, route, edit);

    private async Task<Submission> SubmitAsync(HttpContext http, ImageGenerationRequest request, string route, ImageEditUpload? edit)
    {
        if (health.Draining) return Draining();
        if (models.Models.Count == 0)
            return new Submission.Refused(SubmissionRefusal.ModelUnavailable, models.Error ?? "No model is configured.", RetryAfterSeconds);
        if (models.Find(request.Model) is not { } model)
            return new Submission.Refused(SubmissionRefusal.UnknownModel, ServedModel.NotServed(request.Model, models.Models));
        if (model.Pipeline is not { } pipeline)
        {
            var detail = model.State == ModelHostState.Loading
                ? $"The model '{model.Id}' is still loading; retry shortly."
                : model.Error ?? $"The model '{model.Id}' is not loaded.";
            return new Submission.Refused(SubmissionRefusal.ModelUnavailable, detail, RetryAfterSeconds);
        }
        var spec = edit is null
            ? ImageGenerationRequestValidator.Validate(request, limits.Value, model, out var errors)
            : ImageEditValidator.Validate(edit, limits.Value, model, out errors);
        var key = http.Request.Headers[IdempotencyKeyHeader].ToString();
        if (key.Length > MaxIdempotencyKeyLength) errors[IdempotencyKeyHeader] = [$"At most {MaxIdempotencyKeyLength} characters."];
        var cancelAfter = ReadCancelAfter(http, errors);
        if (route == "jobs" && request.Stream == true)
            errors["stream"] = ["POST /v1/jobs does not stream: follow GET /v1/jobs/{id}/events, where partial_images adds previews."];
        var webhook = webhooks.Read(request, Endpoints.JobEndpoints.Base(http.Request), errors);
        if (spec is null || errors.Count > 0) return new Submission.Invalid(errors);
        spec = spec with { Webhook = webhook };

        var now = time.GetUtcNow();
        var timeout = now.AddSeconds(worker.Value.JobTimeoutSeconds);
        var clientDeadline = cancelAfter is { } seconds ? now.AddSeconds(seconds) : (DateTimeOffset?)null;
        var job = new Job("job_" + Guid.CreateVersion7().ToString("N"), spec, now, pipeline.ModelId, pipeline.ModelVersion)
        {
            Deadline = clientDeadline < timeout ? clientDeadline : timeout,
            DeadlineFromClient = clientDeadline < timeout,
            // The in-process store runs this very job; a shared one runs a copy, which the relay tells the webhooks about.
            Listener = webhook is null ? null : webhookListener,
        };
        Submission result;
        using (ServiceTelemetry.ActivitySource.StartActivity("enqueue")?.SetTag(ServiceTelemetry.JobIdTag, job.Id))
        {
            result = await store.SubmitAsync(job, key.Length == 0 ? null : ScopedKey(http, route, key), Fingerprint(request, route) + spec.Edit?.Fingerprint(),
                http.RequestAborted);
        }
        switch (result)
        {
            case Submission.Refused { Reason: SubmissionRefusal.KeyReused }:
                return new Submission.Refused(SubmissionRefusal.KeyReused,
                    $"The {IdempotencyKeyHeader} '{key}' was already used with a different request body.");
            case Submission.Refused { Reason: SubmissionRefusal.QueueFull } full:
                // The queue closes for shutdown too; then the answer is the draining one.
                return health.Draining ? Draining() : full with { Detail = $"{full.Detail} Retry after {RetryAfterSeconds} s.", RetryAfterSeconds = RetryAfterSeconds };
            case Submission.Accepted { Replayed: false }:
                // OpenAI's `user` goes to this line only: the job and its store never hold it.
                logger.LogInformation("Job {JobId} queued ({Provider}) for user {User}: {Images} {Format} image(s) {Width}x{Height}, {Steps} steps, seed {Seed}",
                    job.Id, store.Provider, request.User ?? "(none)", spec.ImageCount, spec.Output.Format.Name(), spec.Request.Width, spec.Request.Height,
                    spec.Request.Steps, spec.Request.Seed);
                break;
        }
        return result;
    }

    private int RetryAfterSeconds => queueOptions.Value.RetryAfterSeconds;

    private Submission.Refused Draining() =>
        new(SubmissionRefusal.Draining, "The service is draining and takes no new work.", RetryAfterSeconds);

    // Cancel-After: whole seconds from now after which the client no longer wants the result.
    private static int? ReadCancelAfter(HttpContext http, Dictionary<string, string[]> errors)
    {
        var text = http.Request.Headers[CancelAfterHeader].ToString();
        if (text.Length == 0) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0) return seconds;
        errors[CancelAfterHeader] = [$"Must be a positive whole number of seconds, got '{text}'."];
        return null;
    }

    // Keys are per caller: two API keys may pick the same idempotency key without seeing each other's jobs.
    private static string ScopedKey(HttpContext http, string route, string key)
    {
        var (_, credential) = ApiCredential.Read(http.Request);
        var caller = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(credential ?? ""))).AsSpan(0, 16);
        return $"{caller}:{route}:{key}";
    }

    // A hash, not the body: a shared store keeps the fingerprint, and it must not keep the request's `user`.
    private static string Fingerprint(ImageGenerationRequest request, string route) =>
        route + ":" + Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request)));
}
