using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Images;

/// <summary>
/// Images as objects in an S3-compatible bucket: prefix + "job_…/N", with the file's media type as the object's
/// Content-Type (which a pre-signed URL's response carries). Any endpoint through ServiceUrl, addressed path-style (MinIO,
/// Ceph, R2, s3rver); AWS itself by region. A put is atomic by S3's own contract and readable at once (S3 is strongly
/// consistent for reads after writes).
/// </summary>
public sealed class S3ImageStore : IImageStore, IDisposable
{
    private const int MaxKeysPerDelete = 1000;
    private readonly AmazonS3Client _client;
    private readonly S3ImageStoreOptions _options;
    private readonly Protocol _urlProtocol;

    /// <param name="options">The S3 settings.</param>
    /// <param name="attemptTimeout">One request's limit; retries are the caller's (Polly), so the SDK makes none of its own.</param>
    public S3ImageStore(S3ImageStoreOptions options, TimeSpan attemptTimeout)
    {
        _options = options;
        var config = new AmazonS3Config
        {
            RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region),
            MaxErrorRetry = 0,
            Timeout = attemptTimeout,
            // Checksums only where S3 demands them: the newer default (trailing CRC checksums on every put) is not
            // understood by every S3-compatible server.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.ServiceUrl != "")
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
            config.ForcePathStyle = true;
        }
        _urlProtocol = options.ServiceUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTP : Protocol.HTTPS;
        _client = options.AccessKey != ""
            ? new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
    }

    public string Provider => "s3";

    public async Task PutAsync(ImageKey key, byte[] file, string mediaType, CancellationToken cancellation)
    {
        using var content = new MemoryStream(file, writable: false);
        await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = ObjectKey(key),
            InputStream = content,
            ContentType = mediaType,
            AutoCloseStream = false,
            // A plain signed body: aws-chunked uploads are stored verbatim (chunk signatures and all) by some S3-compatible servers.
            UseChunkEncoding = false,
        }, cancellation);
    }

    public async Task<Stream?> OpenReadAsync(ImageKey key, CancellationToken cancellation)
    {
        try
        {
            var response = await _client.GetObjectAsync(_options.Bucket, ObjectKey(key), cancellation);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode == "NoSuchKey")
        {
            return null;
        }
    }

    // Async: resolving the default chain's credentials (IRSA, instance role) may call out.
    public async Task<Uri?> PresignedUrlAsync(ImageKey key, DateTimeOffset expiresAt) => new(await _client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
    {
        BucketName = _options.Bucket,
        Key = ObjectKey(key),
        Verb = HttpVerb.GET,
        Expires = expiresAt.UtcDateTime,
        Protocol = _urlProtocol,
    }));

    public async Task<int> DeleteStoredBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellation)
    {
        var expired = new List<string>();
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = _options.KeyPrefix };
        do
        {
            var page = await _client.ListObjectsV2Async(request, cancellation);
            // Only names an ImageKey makes: the prefix may be shared with other objects.
            expired.AddRange((page.S3Objects ?? [])
                .Where(o => o.LastModified < cutoff.UtcDateTime && ImageKey.TryParse(o.Key[_options.KeyPrefix.Length..]) is not null)
                .Select(o => o.Key));
            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
        foreach (var chunk in expired.Chunk(MaxKeysPerDelete))
        {
            await _client.DeleteObjectsAsync(new DeleteObjectsRequest
            {
                BucketName = _options.Bucket,
                Objects = chunk.Select(k => new KeyVersion { Key = k }).ToList(),
                Quiet = true,
            }, cancellation);
        }
        return expired.Count;
    }

    public void Dispose() => _client.Dispose();

    private string ObjectKey(ImageKey key) => _options.KeyPrefix + key.Name;
}
