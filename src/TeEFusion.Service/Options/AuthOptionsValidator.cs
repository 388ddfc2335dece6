using Microsoft.Extensions.Options;

namespace TeEFusion.Service.Options;

/// <summary>Rejects keys too short to resist guessing and keys that could not travel in a header.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public const int MinKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        Check("Auth:ApiKeys", options.ApiKeys, failures);
        Check("Auth:AdminKeys", options.AdminKeys, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(string key, string[] keys, List<string> failures)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            var value = keys[i];
            if (value is null || value.Length < MinKeyLength)
                failures.Add($"{key}[{i}] must be at least {MinKeyLength} characters.");
            else if (value.Any(c => c <= ' ' || c > '~'))
                failures.Add($"{key}[{i}] may hold only printable ASCII without spaces.");
        }
    }
}
