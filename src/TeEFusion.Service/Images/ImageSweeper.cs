using Microsoft.Extensions.Options;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Images;

/// <summary>
/// Makes stored images expire with their jobs: every ImageStore:SweepIntervalSeconds, each replica deletes the images
/// stored more than Queue:ResultTtlSeconds ago (a job's images are stored as it finishes, and its record in the job store
/// expires that long after it finished). Replicas sweeping the same store at once only delete the same files twice.
/// Nothing to do for the Memory provider, whose images go with their jobs.
/// </summary>
public sealed class ImageSweeper(ImageStorage storage, IOptions<ImageStoreOptions> options, IOptions<QueueOptions> queue, TimeProvider time,
    ILogger<ImageSweeper> logger) : BackgroundService
{
    /// <summary>Deletes what expired by now; returns how many images.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellation)
    {
        var cutoff = time.GetUtcNow().AddSeconds(-queue.Value.ResultTtlSeconds);
        var deleted = await storage.DeleteStoredBeforeAsync(cutoff, cancellation);
        if (deleted > 0) logger.LogInformation("Deleted {Images} expired image(s) from the {Store} image store", deleted, storage.Provider);
        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (storage.Store is null) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SweepIntervalSeconds), time);
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The next sweep tries again; until then expired images only take space.
                logger.LogWarning("Sweeping the {Store} image store failed; trying again in {Seconds} s: {Message}", storage.Provider,
                    options.Value.SweepIntervalSeconds, ex.Message);
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
