namespace TeEFusion.Service.Images;

/// <summary>
/// Where finished image files live when they are not kept with their job (ImageStore:Provider FileSystem or S3): every
/// replica reads what any replica put. Calls may throw on a store that cannot be reached; the callers retry them through
/// the "image-store" resilience pipeline (<see cref="ImageStoreServiceCollectionExtensions"/>).
/// </summary>
public interface IImageStore
{
    /// <summary>"filesystem" or "s3", for logs and metrics.</summary>
    string Provider { get; }

    /// <summary>Stores <paramref name="file"/> under <paramref name="key"/>, whole or not at all: a reader never sees half a file.</summary>
    Task PutAsync(ImageKey key, byte[] file, string mediaType, CancellationToken cancellation);

    /// <summary>The stored file for reading (the caller disposes it), or null when there is none (never put, or expired).</summary>
    Task<Stream?> OpenReadAsync(ImageKey key, CancellationToken cancellation);

    /// <summary>A URL anyone can GET the file from until <paramref name="expiresAt"/>; null when the provider cannot make one.</summary>
    Task<Uri?> PresignedUrlAsync(ImageKey key, DateTimeOffset expiresAt);

    /// <summary>Deletes every image stored before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> DeleteStoredBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellation);
}
