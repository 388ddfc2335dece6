namespace TeEFusion.Service.Options;

/// <summary>The S3 image store (section "ImageStore:S3").</summary>
public sealed class S3ImageStoreOptions
{
    /// <summary>An S3-compatible endpoint (MinIO, Ceph, R2, s3rver), addressed path-style; empty for AWS itself (by region).</summary>
    public string ServiceUrl { get; set; } = "";

    /// <summary>The bucket; it must exist (the service does not create buckets).</summary>
    public string Bucket { get; set; } = "";

    /// <summary>The bucket's region (for AWS, and for signing with any endpoint).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>With <see cref="SecretKey"/>: static credentials. Both empty: the AWS SDK's default chain (environment, IRSA, instance role).</summary>
    public string AccessKey { get; set; } = "";

    public string SecretKey { get; set; } = "";

    /// <summary>
    /// Prefix of every object key, so that deployments can share a bucket (and a lifecycle rule can match it): empty, or
    /// path segments of letters, digits, '_', '.' and '-' each ending in '/'.
    /// </summary>
    public string KeyPrefix { get; set; } = "teefusion/";
}
