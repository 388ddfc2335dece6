using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Errors;

/// <summary>
/// Enforces Limits:MaxRequestBodyBytes on every request: a declared Content-Length above it is refused at once with 413
/// ProblemDetails; a chunked body is cut off by the server's own limit (set here per request), which surfaces as a 413
/// BadHttpRequestException for <see cref="ProblemExceptionHandler"/>.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<LimitsOptions> limits)
{
    private readonly long _limit = limits.Value.MaxRequestBodyBytes;

    public async Task InvokeAsync(HttpContext http, IProblemDetailsService problems)
    {
        if (http.Request.ContentLength > _limit)
        {
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails =
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "Request body too large",
                    Detail = $"The body has {http.Request.ContentLength} bytes; Limits:MaxRequestBodyBytes allows {_limit}.",
                },
            });
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = _limit;
        await next(http);
    }
}
