using Microsoft.AspNetCore.Http.HttpResults;

namespace TeEFusion.Service.Jobs;

/// <summary>
/// What submitting a request did, from the stores up to the endpoints: a job was accepted (new, or an idempotent replay of
/// an earlier one), the request was invalid, or it was refused. <see cref="ToProblem"/> is the one place where the last
/// two become HTTP answers.
/// </summary>
public abstract record Submission
{
    private Submission()
    {
    }

    /// <summary>The job is stored and queued; <paramref name="Replayed"/> when it is an earlier job returned for the same idempotency key.</summary>
    public sealed record Accepted(JobStatus Job, bool Replayed) : Submission;

    /// <summary>Fields that failed validation, keyed by their JSON name (or the header's name).</summary>
    public sealed record Invalid(IDictionary<string, string[]> Errors) : Submission;

    /// <summary>Refused for <paramref name="Reason"/>; <paramref name="RetryAfterSeconds"/> is sent as Retry-After when set.</summary>
    public sealed record Refused(SubmissionRefusal Reason, string Detail, int? RetryAfterSeconds = null) : Submission
    {
        /// <summary>A store's refusal of an idempotency key it saw with another request body.</summary>
        public static Refused KeyReused() =>
            new(SubmissionRefusal.KeyReused, "The idempotency key was already used with a different request body.");

        /// <summary>A store's refusal when all <paramref name="capacity"/> queue places are taken.</summary>
        public static Refused QueueFull(int capacity) => new(SubmissionRefusal.QueueFull, $"All {capacity} queue places are taken.");
    }

    /// <summary>The ProblemDetails answer for a submission that was not accepted (and sets Retry-After where it applies).</summary>
    public ProblemHttpResult ToProblem(HttpContext http)
    {
        switch (this)
        {
            case Invalid invalid:
                return TypedResults.Problem(new HttpValidationProblemDetails(invalid.Errors)
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "One or more validation errors occurred.",
                });
            case Refused refused:
                if (refused.RetryAfterSeconds is { } seconds) http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var (status, title) = Http(refused.Reason);
                return TypedResults.Problem(statusCode: status, title: title, detail: refused.Detail);
            default:
                throw new InvalidOperationException("An accepted submission has no problem to answer with.");
        }
    }

    /// <summary>The status and title of each refusal.</summary>
    public static (int Status, string Title) Http(SubmissionRefusal reason) => reason switch
    {
        SubmissionRefusal.Draining => (StatusCodes.Status503ServiceUnavailable, "Shutting down"),
        SubmissionRefusal.ModelUnavailable => (StatusCodes.Status503ServiceUnavailable, "Model unavailable"),
        SubmissionRefusal.UnknownModel => (StatusCodes.Status404NotFound, "Model not found"),
        SubmissionRefusal.KeyReused => (StatusCodes.Status422UnprocessableEntity, "Idempotency key reused"),
        SubmissionRefusal.QueueFull => (StatusCodes.Status429TooManyRequests, "Queue full"),
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
