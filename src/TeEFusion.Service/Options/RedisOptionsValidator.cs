using Microsoft.Extensions.Options;

namespace TeEFusion.Service.Options;

/// <summary>The Redis provider needs a connection string; the visibility timeout must leave room for renewals.</summary>
public sealed class RedisOptionsValidator(IOptions<JobsOptions> jobs) : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        if (jobs.Value.Provider != JobsProvider.Redis) return ValidateOptionsResult.Success;
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            return ValidateOptionsResult.Fail("Jobs:Provider is Redis but Redis:ConnectionString is empty.");
        return options.VisibilityTimeoutSeconds * 1000 / 3 < options.PollMilliseconds
            ? ValidateOptionsResult.Fail(
                $"Redis:VisibilityTimeoutSeconds ({options.VisibilityTimeoutSeconds}) must be at least three times Redis:PollMilliseconds ({options.PollMilliseconds} ms).")
            : ValidateOptionsResult.Success;
    }
}
