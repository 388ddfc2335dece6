using System.Collections.Concurrent;
using TeEFusion.Core.Imaging;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Telemetry;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Images;

/// <summary>
/// Ends a job whose images the device worker has encoded. With the Memory provider the job succeeds at once, holding its
/// files. Otherwise the files are put in the image store off the worker's thread (the device goes on with other jobs),
/// and only then does the job succeed, keeping just their count; when the store stays unreachable through its retries,
/// the job fails with image_store_unavailable, and nothing else is affected. A hosted service so that shutdown waits for
/// the puts in flight: registered after the Redis relay and before the device worker, it stops after the worker has
/// drained and before the relay writes the last transitions.
/// </summary>
public sealed class ImagePublisher(ImageStorage storage, ServiceTelemetry telemetry, TimeProvider time, ILogger<ImagePublisher> logger)
    : IHostedService
{
    private readonly WorkerInstruments _instruments = new(telemetry);
    private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);
    // Canceled when shutdown runs out of patience; a put cut short gives the job back (Shutdown) rather than failing it.
    // Never disposed: the host may stop this service after disposing it, and a source without a timer holds nothing.
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Jobs whose images are being put in the store.</summary>
    public int InFlight => _inFlight.Count;

    /// <summary>Succeeds <paramref name="job"/> with <paramref name="files"/> now (Memory) or once they are stored; returns at once.</summary>
    public void Publish(Job job, IReadOnlyList<byte[]> files)
    {
        if (storage.Store is null)
        {
            Succeed(job, files, stored: false);
            return;
        }
        var putting = Task.Run(() => PutAsync(job, files));
        _inFlight[job.Id] = putting;
        putting.ContinueWith(_ => _inFlight.TryRemove(job.Id, out var _), TaskScheduler.Default);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_inFlight.Values).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _stopping.CancelAsync();
            await Task.WhenAll(_inFlight.Values);
        }
    }

    private async Task PutAsync(Job job, IReadOnlyList<byte[]> files)
    {
        using var scope = logger.BeginJobScope(job.Id);
        try
        {
            await storage.PutAllAsync(job.Id, files, job.Spec.Output.Format.MediaType(), _stopping.Token);
            Succeed(job, files, stored: true);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            job.TryCancel("The service shut down while the job's images were being stored.", time.GetUtcNow(), JobErrorCode.Shutdown);
        }
        catch (Exception ex)
        {
            var message = $"The images were made but could not be stored in the {storage.Provider} image store: {ex.GetType().Name}: {ex.Message}";
            if (!job.TryFail(JobErrorCode.ImageStoreUnavailable, message, time.GetUtcNow())) return;
            _instruments.Failure(JobErrorCode.ImageStoreUnavailable.Name());
            logger.LogError(ex, "Job {JobId} failed: {Message}", job.Id, message);
        }
    }

    private void Succeed(Job job, IReadOnlyList<byte[]> files, bool stored)
    {
        if (!job.TrySucceed(files, time.GetUtcNow(), stored)) return;
        _instruments.Succeeded(job);
        logger.LogInformation("Job {JobId} succeeded: {Images} {Format} image(s) in the {Store} image store", job.Id, files.Count,
            job.Spec.Output.Format.Name(), storage.Provider);
    }
}
