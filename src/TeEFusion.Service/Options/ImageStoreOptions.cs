using System.ComponentModel.DataAnnotations;

namespace TeEFusion.Service.Options;

/// <summary>
/// Where finished images are kept (section "ImageStore"). With FileSystem or S3 the job store holds only the job's state,
/// and the images are put in the store before the job is reported succeeded.
/// </summary>
public sealed class ImageStoreOptions
{
    public const string Section = "ImageStore";

    public ImageStoreProvider Provider { get; set; } = ImageStoreProvider.Memory;

    /// <summary>The root directory for the FileSystem provider (created when missing).</summary>
    public string Path { get; set; } = "";

    public S3ImageStoreOptions S3 { get; set; } = new();

    /// <summary>
    /// Answer GET /v1/jobs/{id}/images/{k} with 302 to a pre-signed URL of the object instead of streaming it, and give
    /// such URLs for response_format url. S3 only.
    /// </summary>
    public bool Redirect { get; set; }

    /// <summary>How long a pre-signed URL is valid.</summary>
    [Range(1, 7 * 24 * 3600)]
    public int UrlExpirySeconds { get; set; } = 600;

    /// <summary>Retries of a put, read or delete that failed, with exponential backoff from <see cref="RetryDelayMilliseconds"/>.</summary>
    [Range(0, 10)]
    public int Retries { get; set; } = 3;

    /// <summary>The first retry's delay; each next one doubles it (jittered).</summary>
    [Range(1, 60_000)]
    public int RetryDelayMilliseconds { get; set; } = 200;

    /// <summary>One attempt's limit: a store slower than this counts as a failed attempt.</summary>
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>How often each replica deletes the files older than Queue:ResultTtlSeconds.</summary>
    [Range(1, 24 * 3600)]
    public int SweepIntervalSeconds { get; set; } = 60;
}
