using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Errors;

/// <summary>
/// Enforces Limits:MaxRequestBodyBytes on every request: a declared Content-Length above it is refused at once with 413
/// ProblemDetails; a chunked body is cut off by the server's own limit (set here per request), which surfaces as a 413
/// BadHttpRequestException for <see cref="ProblemExceptionHandler"/>. multipart/form-data bodies (image edits) have
/// Limits:MaxUploadBodyBytes instead.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<LimitsOptions> limits)
{
    public async Task InvokeAsync(HttpContext http, IProblemDetailsService problems)
    {
        var upload = http.Request.HasFormContentType && http.Request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase);
        var (limit, setting) = upload
            ? (limits.Value.MaxUploadBodyBytes, nameof(LimitsOptions.MaxUploadBodyBytes))
            : (limits.Value.MaxRequestBodyBytes, nameof(LimitsOptions.MaxRequestBodyBytes));
        if (http.Request.ContentLength > limit)
        {
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails =
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "Request body too large",
                    Detail = $"The body has {http.Request.ContentLength} bytes; Limits:{setting} allows {limit}.",
                },
            });
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
        await next(http);
    }
}
