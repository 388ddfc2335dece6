using System.Diagnostics;
using Polly;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Images;

/// <summary>
/// The image store ImageStore:Provider chose, as the service uses it: every call through the "image-store" resilience
/// pipeline (retries, a limit per attempt) and counted in <see cref="ImageStoreMetrics"/>. For the Memory provider
/// <see cref="Store"/> is null: the files stay with their job in the job store, and nothing is put, read or swept here.
/// </summary>
public sealed class ImageStorage(IImageStore? store, ImageStoreOptions options, ResiliencePipeline pipeline, ImageStoreMetrics metrics, TimeProvider time)
    : IDisposable
{
    public IImageStore? Store => store;

    /// <summary>"memory", "filesystem" or "s3".</summary>
    public string Provider => store?.Provider ?? "memory";

    /// <summary>Puts a job's files under their keys; throws once the retries are spent.</summary>
    public async Task PutAllAsync(string jobId, IReadOnlyList<byte[]> files, string mediaType, CancellationToken cancellation)
    {
        for (var k = 0; k < files.Count; k++)
        {
            var key = new ImageKey(jobId, k);
            await Run("put", pipeline, async (s, ct) =>
            {
                await s.PutAsync(key, files[key.Index], mediaType, ct);
                return true;
            }, cancellation);
        }
    }

    /// <summary>The stored file, or null when there is none; throws <see cref="ImageStoreUnavailableException"/> once the retries are spent.</summary>
    public async Task<Stream?> OpenReadAsync(ImageKey key, CancellationToken cancellation)
    {
        try
        {
            return await Run("get", pipeline, (s, ct) => s.OpenReadAsync(key, ct), cancellation);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            throw new ImageStoreUnavailableException($"Reading image {key.Name} from the {Provider} image store failed: {ex.Message}", ex);
        }
    }

    /// <summary>A pre-signed URL for the image when ImageStore:Redirect is on; null otherwise.</summary>
    public async Task<PresignedImage?> PresignAsync(ImageKey key)
    {
        if (!options.Redirect || store is null) return null;
        var expiresAt = time.GetUtcNow().AddSeconds(options.UrlExpirySeconds);
        return await store.PresignedUrlAsync(key, expiresAt) is { } url ? new PresignedImage(url, expiresAt) : null;
    }

    /// <summary>Deletes the images stored before <paramref name="cutoff"/> (no retries: the next sweep is one); returns how many.</summary>
    public Task<int> DeleteStoredBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellation) =>
        Run("sweep", ResiliencePipeline.Empty, (s, ct) => s.DeleteStoredBeforeAsync(cutoff, ct), cancellation);

    private async Task<T> Run<T>(string operation, ResiliencePipeline resilience, Func<IImageStore, CancellationToken, Task<T>> call,
        CancellationToken cancellation)
    {
        var s = store ?? throw new InvalidOperationException("The Memory image store keeps files with their jobs; there is no store to call.");
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await resilience.ExecuteAsync(async ct => await call(s, ct), cancellation);
            metrics.Record(operation, ok: true, clock.Elapsed);
            return result;
        }
        catch
        {
            metrics.Record(operation, ok: false, clock.Elapsed);
            throw;
        }
    }

    public void Dispose() => (store as IDisposable)?.Dispose();
}
