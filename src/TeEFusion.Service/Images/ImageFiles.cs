using TeEFusion.Service.Jobs;

namespace TeEFusion.Service.Images;

/// <summary>
/// A finished job's image files as the endpoints read them: from the job store with the Memory provider (with the job in
/// process, in Redis with the Redis provider), otherwise from the image store under the key the job's id and the index make.
/// A job id or index a client sent that could name no stored image reads as no image.
/// </summary>
public sealed class ImageFiles(IJobStore jobs, ImageStorage storage)
{
    /// <summary>The file for reading (the caller disposes it), or null when there is no such image.</summary>
    public async Task<Stream?> OpenAsync(string jobId, int index, CancellationToken cancellation)
    {
        if (storage.Store is null)
            return await jobs.GetImageAsync(jobId, index, cancellation) is { } file ? new MemoryStream(file, writable: false) : null;
        return ImageKey.TryCreate(jobId, index) is { } key ? await storage.OpenReadAsync(key, cancellation) : null;
    }

    /// <summary>The whole file (for base64 answers), or null when there is no such image.</summary>
    public async Task<byte[]?> ReadAsync(string jobId, int index, CancellationToken cancellation)
    {
        await using var stream = await OpenAsync(jobId, index, cancellation);
        if (stream is null) return null;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellation);
        return copy.ToArray();
    }

    /// <summary>A pre-signed URL of the image when ImageStore:Redirect is on; null otherwise.</summary>
    public async Task<PresignedImage?> PresignAsync(string jobId, int index) =>
        ImageKey.TryCreate(jobId, index) is { } key ? await storage.PresignAsync(key) : null;
}
