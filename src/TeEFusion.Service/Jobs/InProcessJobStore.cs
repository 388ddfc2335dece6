using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Jobs;

/// <summary>
/// The default provider: jobs in this process's <see cref="JobStore"/>, waiting in its <see cref="GenerationQueue"/>
/// for its own device worker. Nothing to install; one replica only (any replica answers only for its own jobs).
/// </summary>
public sealed class InProcessJobStore(JobStore jobs, GenerationQueue queue, TimeProvider time) : IJobStore
{
    public string Provider => "in_process";

    public int Capacity => queue.Capacity;

    public Task<JobSubmitResult> SubmitAsync(Job job, string? idempotencyKey, string fingerprint, CancellationToken cancellation)
    {
        var creation = jobs.Create(idempotencyKey, fingerprint, () => job);
        var result = creation.Outcome switch
        {
            JobCreationOutcome.KeyReused => new JobSubmitResult(JobSubmitOutcome.KeyReused, null),
            JobCreationOutcome.Existing => new JobSubmitResult(JobSubmitOutcome.Existing, Status(creation.Job!)),
            _ when queue.TryEnqueue(job) => new JobSubmitResult(JobSubmitOutcome.Created, Status(job)),
            _ => Refused(job),
        };
        return Task.FromResult(result);
    }

    public Task<JobStatus?> GetAsync(string id, CancellationToken cancellation) =>
        Task.FromResult(jobs.TryGet(id, out var job) ? Status(job) : null);

    public async IAsyncEnumerable<JobEvent> ReadEventsAsync(string id, long afterId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        if (!jobs.TryGet(id, out var job)) yield break;
        await foreach (var entry in job.Events.ReadAsync(afterId, cancellation).ConfigureAwait(false)) yield return entry;
    }

    public Task<byte[]?> GetImageAsync(string id, int index, CancellationToken cancellation)
    {
        if (!jobs.TryGet(id, out var job)) return Task.FromResult<byte[]?>(null);
        var images = job.Images;
        return Task.FromResult(index >= 0 && index < images.Count ? images[index] : null);
    }

    public Task<JobCancellation?> CancelAsync(string id, string reason, CancellationToken cancellation)
    {
        if (!jobs.TryGet(id, out var job)) return Task.FromResult<JobCancellation?>(null);
        var finished = job.IsFinished;
        if (!finished) job.RequestCancel(reason, time.GetUtcNow());
        return Task.FromResult<JobCancellation?>(new JobCancellation(Status(job), finished));
    }

    public Task WaitForCompletionAsync(string id, CancellationToken cancellation) =>
        jobs.TryGet(id, out var job) ? job.Completion.WaitAsync(cancellation) : Task.CompletedTask;

    private JobSubmitResult Refused(Job job)
    {
        jobs.Remove(job.Id);
        return new JobSubmitResult(JobSubmitOutcome.QueueFull, null);
    }

    private JobStatus Status(Job job)
    {
        var snapshot = job.Snapshot(time.GetUtcNow());
        return new JobStatus(snapshot, snapshot.State == JobState.Queued ? queue.PositionOf(job) : null);
    }
}
