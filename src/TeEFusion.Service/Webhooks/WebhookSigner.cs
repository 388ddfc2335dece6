using System.Security.Cryptography;
using System.Text;

namespace TeEFusion.Service.Webhooks;

/// <summary>
/// Standard Webhooks signatures (standardwebhooks.com, spec 1.0): <c>v1,</c> + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")),
/// where the key is the base64 part of a <c>whsec_</c> secret; one signature per secret, space-separated, while rotating.
/// </summary>
public sealed class WebhookSigner
{
    public const string SecretPrefix = "whsec_";
    private const int MinKeyBytes = 24;
    private const int MaxKeyBytes = 64;

    private readonly IReadOnlyList<byte[]> _keys;

    /// <summary>A signer for the space-separated <paramref name="secrets"/>; throws <see cref="FormatException"/> on a malformed one.</summary>
    public WebhookSigner(string secrets)
    {
        _keys = Split(secrets).Select(secret => Key(secret) ?? throw new FormatException(Problem(secret))).ToList();
    }

    /// <summary>False when there is no secret: webhooks are off.</summary>
    public bool Enabled => _keys.Count > 0;

    /// <summary>The webhook-signature header for one attempt.</summary>
    public string Sign(string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return string.Join(' ', _keys.Select(key => "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content))));
    }

    /// <summary>What is wrong with each malformed secret in <paramref name="secrets"/> (never the secret itself).</summary>
    public static IEnumerable<string> Problems(string secrets) =>
        Split(secrets).Select((secret, index) => Key(secret) is null ? $"secret {index + 1}: {Problem(secret)}" : null).OfType<string>();

    private static string[] Split(string secrets) => secrets.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static byte[]? Key(string secret)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal)) return null;
        var key = new byte[MaxKeyBytes + 3];
        return Convert.TryFromBase64String(secret[SecretPrefix.Length..], key, out var length) && length is >= MinKeyBytes and <= MaxKeyBytes
            ? key[..length]
            : null;
    }

    private static string Problem(string secret) => secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
        ? $"the part after {SecretPrefix} must be base64 of {MinKeyBytes} to {MaxKeyBytes} bytes"
        : $"must start with {SecretPrefix}";
}
