using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using TeEFusion.Service.Images;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Errors;

/// <summary>
/// Turns exceptions into ProblemDetails: a bad request (malformed JSON, wrong types, body too large) keeps its 4xx status
/// and says what was wrong; an unreachable job or image store is a 503 with Retry-After; anything else is a 500 that reveals nothing but the trace id.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, IOptions<QueueOptions> queue, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, Title(bad.StatusCode), Describe(bad)),
            InvalidOperationException when UnknownCharset(http.Request) is { } charset => (StatusCodes.Status415UnsupportedMediaType,
                Title(StatusCodes.Status415UnsupportedMediaType), $"The request's Content-Type names the charset '{charset}', which is not a known encoding; send UTF-8."),
            // The store's own message names its address: that is for the operator's log, not for clients.
            JobStoreUnavailableException => (StatusCodes.Status503ServiceUnavailable, "Job store unavailable",
                $"The job store cannot be reached right now; retry after {queue.Value.RetryAfterSeconds} s."),
            ImageStoreUnavailableException => (StatusCodes.Status503ServiceUnavailable, "Image store unavailable",
                $"The image store cannot be reached right now; retry after {queue.Value.RetryAfterSeconds} s."),
            _ => (StatusCodes.Status500InternalServerError, "Internal server error", "The server failed to handle the request."),
        };
        // An unreachable job store is an outage readiness already reports, not a bug: one line, no stack.
        if (exception is JobStoreUnavailableException or ImageStoreUnavailableException)
            logger.LogWarning("{Method} {Path}: {Reason}", http.Request.Method, http.Request.Path, exception.Message);
        else if (status >= 500) logger.LogError(exception, "Unhandled exception for {Method} {Path}", http.Request.Method, http.Request.Path);
        else logger.LogInformation("Bad request for {Method} {Path}: {Reason}", http.Request.Method, http.Request.Path, detail);

        http.Response.StatusCode = status;
        // The store's retry policy has already spent a few seconds; a client may try again after the configured pause.
        if (status == StatusCodes.Status503ServiceUnavailable)
            http.Response.Headers.RetryAfter = queue.Value.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    // The charset of the request's Content-Type when the runtime knows no such encoding; null otherwise.
    private static string? UnknownCharset(HttpRequest request)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || type.Charset.Length == 0) return null;
        var charset = type.Charset.ToString().Trim('"');
        try
        {
            System.Text.Encoding.GetEncoding(charset);
            return null;
        }
        catch (ArgumentException)
        {
            return charset;
        }
    }

    private static string Title(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "Request body too large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
        _ => "Bad request",
    };

    // The framework's message names the parameter; the JSON reader's names the path and position of the fault.
    private static string Describe(BadHttpRequestException bad) => bad.InnerException is JsonException json
        ? $"{bad.Message} {json.Message}"
        : bad.Message;
}
