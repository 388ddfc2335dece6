using TeEFusion.Service.Telemetry;

namespace TeEFusion.Service.Security;

/// <summary>
/// Endpoint filter behind <see cref="SecurityEndpointExtensions.RequireApiKey{TBuilder}"/>: 401 without a usable or known key,
/// 403 for a known key without the rights the route needs. Stores the caller's key id for logs.
/// </summary>
public sealed class ApiKeyFilter(AccessLevel level) : IEndpointFilter
{
    /// <summary>HttpContext.Items key holding the caller's <see cref="ApiKeyStore.KeyId"/>.</summary>
    public const string KeyIdItem = "teefusion.key-id";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var store = http.RequestServices.GetRequiredService<ApiKeyStore>();
        var (shape, key) = ApiCredential.Read(http.Request);
        if (shape == CredentialShape.None && level == AccessLevel.Api && store.ApiIsOpen) return await next(context);
        if (shape == CredentialShape.None) return Unauthorized(http, "An API key is required: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");
        if (shape == CredentialShape.Malformed)
            return Unauthorized(http, "The credential is malformed: send exactly one of 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");

        var rights = store.Check(key!);
        if (rights == KeyRights.Unknown) return Unauthorized(http, "The API key is not valid.");
        if (level == AccessLevel.Admin && rights != KeyRights.Admin)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "This route needs an admin key.");

        var keyId = ApiKeyStore.KeyId(key!);
        http.Items[KeyIdItem] = keyId;
        using (http.RequestServices.GetRequiredService<ILogger<ApiKeyFilter>>().BeginKeyScope(keyId))
            return await next(context);
    }

    private static IResult Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer realm=\"teefusion\"";
        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail);
    }
}
