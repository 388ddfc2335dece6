using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Security;

/// <summary>
/// Checks a presented key against Auth:ApiKeys and Auth:AdminKeys in constant time: keys are compared as SHA-256
/// digests (equal length) with <see cref="CryptographicOperations.FixedTimeEquals"/>, and every configured key is
/// compared, so timing reveals neither a key's prefix nor which list matched.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly byte[][] _apiKeys;
    private readonly byte[][] _adminKeys;

    public ApiKeyStore(IOptions<AuthOptions> options)
    {
        _apiKeys = options.Value.ApiKeys.Select(Digest).ToArray();
        _adminKeys = options.Value.AdminKeys.Select(Digest).ToArray();
    }

    /// <summary>True when /v1 needs no key.</summary>
    public bool ApiIsOpen => _apiKeys.Length == 0;

    /// <summary>The rights of <paramref name="key"/>.</summary>
    public KeyRights Check(string key)
    {
        var digest = Digest(key);
        var api = Matches(digest, _apiKeys);
        var admin = Matches(digest, _adminKeys);
        return admin ? KeyRights.Admin : api ? KeyRights.Api : KeyRights.Unknown;
    }

    /// <summary>A short, non-reversible label for logs and rate-limit partitions.</summary>
    public static string KeyId(string key) => Convert.ToHexStringLower(Digest(key))[..12];

    private static bool Matches(byte[] digest, byte[][] keys)
    {
        var found = false;
        foreach (var candidate in keys) found |= CryptographicOperations.FixedTimeEquals(digest, candidate);
        return found;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
