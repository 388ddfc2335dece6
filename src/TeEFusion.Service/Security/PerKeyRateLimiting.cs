using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Security;

/// <summary>
/// The "per-key" rate-limit policy: a fixed window of Auth:RateLimitPermits requests per Auth:RateLimitWindowSeconds for each
/// configured key a client presents (each client address otherwise, so that inventing keys on an open /v1 buys no extra
/// permits), answered with 429 + Retry-After + ProblemDetails.
/// </summary>
public static class PerKeyRateLimiting
{
    /// <summary>The policy name to pass to RequireRateLimiting.</summary>
    public const string PolicyName = "per-key";

    /// <summary>Applies the "per-key" policy and documents its 429 answer.</summary>
    public static TBuilder RequirePerKeyRateLimit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.RequireRateLimiting(PolicyName);
        builder.ProducesProblem(StatusCodes.Status429TooManyRequests);
        return builder;
    }

    public static IServiceCollection AddPerKeyRateLimiter(this IServiceCollection services) => services.AddRateLimiter(limiter =>
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.OnRejected = OnRejectedAsync;
        limiter.AddPolicy(PolicyName, Partition);
    });

    private static RateLimitPartition<string> Partition(HttpContext http)
    {
        var auth = http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
        if (auth.RateLimitPermits == 0) return RateLimitPartition.GetNoLimiter("off");
        // The partition key is a digest, so raw keys never sit in the limiter's tables.
        var (shape, key) = ApiCredential.Read(http.Request);
        var known = shape == CredentialShape.Present && http.RequestServices.GetRequiredService<ApiKeyStore>().Check(key!) != KeyRights.Unknown;
        var partition = known
            ? "key:" + ApiKeyStore.KeyId(key!)
            : "addr:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = auth.RateLimitPermits,
            Window = TimeSpan.FromSeconds(auth.RateLimitWindowSeconds),
            QueueLimit = 0,
        });
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellation)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
            : http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.RateLimitWindowSeconds;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"The rate limit for this API key is exhausted; retry after {retryAfter} s.",
            },
        });
    }
}
