using System.ComponentModel.DataAnnotations;

namespace TeEFusion.Service.Options;

/// <summary>API keys and the per-key rate limit (section "Auth").</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Keys accepted on /v1/*. Empty: /v1 is open (admin keys are still accepted there).</summary>
    public string[] ApiKeys { get; set; } = [];

    /// <summary>Keys accepted on /admin/* (and /v1/*). Empty: /admin is closed to everyone.</summary>
    public string[] AdminKeys { get; set; } = [];

    /// <summary>Requests per window per API key (per client address without a key); 0 turns the limit off.</summary>
    [Range(0, 1_000_000)]
    public int RateLimitPermits { get; set; }

    /// <summary>Length of the rate-limit window.</summary>
    [Range(1, 3600)]
    public int RateLimitWindowSeconds { get; set; } = 60;
}
