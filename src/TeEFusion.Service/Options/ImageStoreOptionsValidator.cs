using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace TeEFusion.Service.Options;

/// <summary>Each provider's required settings; a redirect needs pre-signed URLs, which only S3 makes.</summary>
public sealed partial class ImageStoreOptionsValidator : IValidateOptions<ImageStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, ImageStoreOptions options)
    {
        var failures = new List<string>();
        if (options.Provider == ImageStoreProvider.FileSystem && string.IsNullOrWhiteSpace(options.Path))
            failures.Add("ImageStore:Provider is FileSystem but ImageStore:Path is empty.");
        if (options.Provider == ImageStoreProvider.S3 && string.IsNullOrWhiteSpace(options.S3.Bucket))
            failures.Add("ImageStore:Provider is S3 but ImageStore:S3:Bucket is empty.");
        if (options.Provider == ImageStoreProvider.S3 && options.S3.ServiceUrl != ""
            && !(Uri.TryCreate(options.S3.ServiceUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
            failures.Add($"ImageStore:S3:ServiceUrl '{options.S3.ServiceUrl}' is not an absolute http(s) URL.");
        if (string.IsNullOrEmpty(options.S3.AccessKey) != string.IsNullOrEmpty(options.S3.SecretKey))
            failures.Add("ImageStore:S3:AccessKey and ImageStore:S3:SecretKey go together: set both, or neither for the AWS SDK's default credentials.");
        if (!KeyPrefixPattern().IsMatch(options.S3.KeyPrefix))
            failures.Add($"ImageStore:S3:KeyPrefix '{options.S3.KeyPrefix}' must be empty or segments of [A-Za-z0-9_-] (and inner dots) each ending in '/'.");
        if (options.Redirect && options.Provider != ImageStoreProvider.S3)
            failures.Add($"ImageStore:Redirect needs pre-signed URLs, which only the S3 provider makes (Provider is {options.Provider}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Nested options are not reached by data annotations; and no segment may be "." or "..".
    [GeneratedRegex("^([A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}/)*$")]
    private static partial Regex KeyPrefixPattern();
}
