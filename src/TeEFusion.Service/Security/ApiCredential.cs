namespace TeEFusion.Service.Security;

/// <summary>The key a request presents: `Authorization: Bearer &lt;key&gt;` (what the OpenAI SDK sends) or `X-Api-Key`.</summary>
public static class ApiCredential
{
    public const string ApiKeyHeader = "X-Api-Key";
    private const string BearerPrefix = "Bearer ";

    /// <summary>Reads the presented key.</summary>
    /// <returns>None when no credential header is present; Malformed when one is present but unusable.</returns>
    public static (CredentialShape Shape, string? Key) Read(HttpRequest request)
    {
        var authorization = request.Headers.Authorization;
        var apiKey = request.Headers[ApiKeyHeader];
        if (authorization.Count == 0 && apiKey.Count == 0) return (CredentialShape.None, null);
        if (authorization.Count + apiKey.Count > 1) return (CredentialShape.Malformed, null);
        if (apiKey.Count == 1) return Usable(apiKey[0]);
        var header = authorization[0];
        if (header is null || !header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)) return (CredentialShape.Malformed, null);
        return Usable(header[BearerPrefix.Length..]);
    }

    private static (CredentialShape, string?) Usable(string? key)
    {
        key = key?.Trim();
        return string.IsNullOrEmpty(key) || key.Contains(' ') ? (CredentialShape.Malformed, null) : (CredentialShape.Present, key);
    }
}
