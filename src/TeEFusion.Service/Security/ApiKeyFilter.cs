using TeEFusion.Service.Telemetry;

namespace TeEFusion.Service.Security;

/// <summary>
/// Endpoint filter behind <see cref="SecurityEndpointExtensions.RequireApiKey{TBuilder}"/>: 401 without a usable or known key,
/// 403 for a known key without the rights the route needs. Stores the caller's key id for logs. While /v1 is open (no
/// Auth:ApiKeys), whatever credential a client sends there is ignored: OpenAI clients must send some key, and refusing
/// the placeholder they send would make the open API unusable from them; admin routes still need an admin key.
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
        if (level == AccessLevel.Api && store.ApiIsOpen && (shape != CredentialShape.Present || store.Check(key!) == KeyRights.Unknown))
            return await next(context);
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
