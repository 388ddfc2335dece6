using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TeEFusion.Service.Health;
using TeEFusion.Service.Models;
using TeEFusion.Service.Options;
using TeEFusion.Service.Webhooks;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Jobs.Redis;

/// <summary>
/// Connects this replica's device worker to the shared Redis queue (only when Jobs:Provider is Redis). It claims, in one
/// round trip, as many jobs as fill its batch's free places plus Redis:PrefetchJobs (<see cref="ClaimPolicy"/>), woken
/// when one of its jobs enters its last step or ends (or starts after a give-back) and when work is queued
/// (Redis:PollMilliseconds is only the fallback), and gives back a claimed job the worker has not started within
/// Redis:PrefetchGiveBackMilliseconds, so that no replica sits on work another could run. It renews the leases of what
/// it holds every third of the visibility timeout, re-queues jobs whose lease expired on any replica, passes cancel requests
/// to the local jobs, and writes each local transition back to Redis in order. On shutdown, jobs the worker gives up
/// (still queued, or past the drain timeout) go back to the shared queue for another replica instead of being canceled.
/// Registered before the <see cref="DeviceWorker"/>, so it stops after the worker has drained.
/// </summary>
public sealed class RedisJobRelay(
    RedisConnection connection,
    RedisNotifications notifications,
    RedisJobLeases leases,
    GenerationQueue queue,
    BatchEngineFactory engines,
    ModelHost model,
    ServiceHealth health,
    IHostApplicationLifetime lifetime,
    IOptions<JobsOptions> jobs,
    IOptions<RedisOptions> redis,
    WebhookListener webhooks,
    TimeProvider time,
    ILogger<RedisJobRelay> logger) : IHostedService
{
    private readonly WebhookListener _webhooks = webhooks;
    private readonly ConcurrentDictionary<string, Claim> _held = new(StringComparer.Ordinal);
    private readonly Channel<Transition> _writes = Channel.CreateUnbounded<Transition>(new UnboundedChannelOptions { SingleReader = true });
    // Never disposed: the host may stop this service after disposing it, and a source without a timer holds nothing.
    private readonly CancellationTokenSource _stop = new();
    private readonly string _replica = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
    private readonly TimeSpan _renewInterval = TimeSpan.FromSeconds(redis.Value.VisibilityTimeoutSeconds / 3.0);
    private readonly TimeSpan _poll = TimeSpan.FromMilliseconds(redis.Value.PollMilliseconds);
    private readonly TimeSpan _giveBack = TimeSpan.FromMilliseconds(redis.Value.PrefetchGiveBackMilliseconds);
    private readonly int _prefetch = redis.Value.PrefetchJobs;
    // Set when a prefetched job was given back, cleared when the worker next starts or finishes a job (see ClaimPolicy).
    private volatile bool _prefetchSuspended;
    private Task _claiming = Task.CompletedTask;
    private Task _renewing = Task.CompletedTask;
    private Task _writing = Task.CompletedTask;
    private Task _canceling = Task.CompletedTask;
    private int _stopped;

    /// <summary>Jobs this replica has claimed and not yet finished or given back.</summary>
    public int Held => _held.Count;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (jobs.Value.Provider != JobsProvider.Redis) return Task.CompletedTask;
        var claiming = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, lifetime.ApplicationStopping);
        _claiming = Task.Run(() => ClaimLoopAsync(claiming.Token), CancellationToken.None);
        _renewing = Task.Run(() => RenewLoopAsync(_stop.Token), CancellationToken.None);
        _canceling = Task.Run(() => CancelLoopAsync(_stop.Token), CancellationToken.None);
        _writing = Task.Run(WriteLoopAsync, CancellationToken.None);
        logger.LogInformation("Jobs are shared through Redis at {Endpoint} (replica {Replica})", connection.Endpoint, _replica);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host may be stopped and then disposed (which stops it again).
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        // The worker has drained: flush its last transitions (give-backs among them), then stop renewing.
        _writes.Writer.TryComplete();
        await Task.WhenAny(_writing, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_claiming, _renewing, _canceling).ConfigureAwait(false);
    }

    private bool CanTakeWork() => model.Models.Any(m => m.Pipeline is not null) && health.WorkerStatus == WorkerStatus.Running && !health.Draining;

    private async Task ClaimLoopAsync(CancellationToken stopping)
    {
        await notifications.EnsureSubscribedAsync().ConfigureAwait(false);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await GiveBackStaleAsync().ConfigureAwait(false);
                var wanted = CanTakeWork()
                    ? ClaimPolicy.JobsToClaim(engines.MaxBatchSize, _prefetch, HeldImages(), queue.Capacity - queue.Depth, _prefetchSuspended)
                    : 0;
                // All it asked for: more may wait. Fewer: the shared queue was empty, and new work publishes a wake-up.
                if (wanted > 0 && await ClaimAsync(wanted, stopping).ConfigureAwait(false) == wanted) continue;
                await notifications.WaitForWorkAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Claiming work from Redis failed; trying again: {Message}", ex.Message);
                await Pause(stopping).ConfigureAwait(false);
            }
        }
    }

    // Images of the claimed jobs that still hold their places here (ClaimPolicy.Occupies).
    private int HeldImages() => _held.Values.Where(c => c.Occupies).Sum(c => c.Job.Spec.ImageCount);

    // Returns how many jobs were claimed and handed to the worker.
    private async Task<int> ClaimAsync(int wanted, CancellationToken stopping)
    {
        var tokens = Enumerable.Range(0, wanted).Select(_ => $"{_replica}:{Guid.NewGuid():N}").ToList();
        var handed = 0;
        foreach (var (token, fields) in await leases.ClaimAsync(tokens, stopping).ConfigureAwait(false))
        {
            var claim = new Claim(this, token, time.GetUtcNow());
            var job = RedisJobFields.LocalJob(fields, claim);
            claim.Job = job;
            _held[token] = claim;
            if (queue.TryEnqueue(job))
            {
                logger.LogInformation("Job {JobId} claimed from Redis", job.Id);
                handed++;
                continue;
            }
            // The worker closed its queue (shutdown) or it filled meanwhile: the job goes straight back.
            _held.TryRemove(token, out _);
            await leases.ReleaseAsync(job.Id, token, CancellationToken.None).ConfigureAwait(false);
        }
        return handed;
    }

    // Gives back the claimed jobs the worker has not started within Redis:PrefetchGiveBackMilliseconds (checked at every
    // wake-up of the claim loop, so at least every Redis:PollMilliseconds).
    private async Task GiveBackStaleAsync()
    {
        var now = time.GetUtcNow();
        foreach (var claim in _held.Values.Where(c => ClaimPolicy.GiveBack(c.Job.State != JobState.Queued, c.ClaimedAt, now, _giveBack)).ToList())
        {
            // The worker may have taken it meanwhile: then it runs here.
            if (!queue.TryRemove(claim.Job)) continue;
            _held.TryRemove(claim.Token, out _);
            _prefetchSuspended = true;
            if (await leases.ReleaseAsync(claim.Job.Id, claim.Token, CancellationToken.None).ConfigureAwait(false))
                logger.LogInformation("Job {JobId} given back to the shared queue: not started here within {Bound} ms", claim.Job.Id,
                    _giveBack.TotalMilliseconds);
        }
    }

    // The worker started one of this replica's jobs: that frees no place (it was counted while queued), but a
    // prefetch given back may be claimed again.
    private void JobStarted()
    {
        if (!_prefetchSuspended) return;
        _prefetchSuspended = false;
        notifications.WakeClaimLoop();
    }

    // One of this replica's jobs entered its last step or ended: its batch places are (about to be) free.
    private void PlacesFreed()
    {
        _prefetchSuspended = false;
        notifications.WakeClaimLoop();
    }

    private async Task RenewLoopAsync(CancellationToken stopping)
    {
        await notifications.EnsureSubscribedAsync().ConfigureAwait(false);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var held = _held.Values.Select(c => (c.Job.Id, c.Token)).ToList();
                foreach (var notice in await leases.RenewAsync(held, stopping).ConfigureAwait(false))
                {
                    if (notice.Lost) logger.LogWarning("Lost the lease of job {JobId}; another replica runs it now", notice.JobId);
                    CancelLocal(notice.JobId, notice.Lost ? "This replica lost the job's lease; another replica runs it." : notice.CancelReason);
                }
                if (await leases.RequeueExpiredAsync(stopping).ConfigureAwait(false) is var requeued and > 0)
                    logger.LogWarning("Re-queued {Jobs} job(s) whose replica stopped renewing its lease", requeued);
                await leases.PendingAsync(stopping).ConfigureAwait(false);
                await Task.Delay(_renewInterval, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Renewing job leases in Redis failed; trying again: {Message}", ex.Message);
                await Pause(stopping).ConfigureAwait(false);
            }
        }
    }

    private async Task CancelLoopAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var notice in notifications.CancelRequests.ReadAllAsync(stopping).ConfigureAwait(false))
                CancelLocal(notice.JobId, notice.Reason);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: cancel requests for this replica's jobs no longer matter, the leases go back.
        }
    }

    private async Task WriteLoopAsync()
    {
        await foreach (var transition in _writes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await WriteAsync(transition).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Its lease runs out unrenewed only if the replica dies; until then the next transition may still land.
                logger.LogError(ex, "Writing job {JobId}'s {State} to Redis failed", transition.Snapshot.Id, transition.Snapshot.State);
            }
        }
    }

    private async Task WriteAsync(Transition transition)
    {
        var (claim, snapshot, entry) = (transition.Claim, transition.Snapshot, transition.Entry);
        if (snapshot.ErrorCode == JobErrorCode.Shutdown)
        {
            _held.TryRemove(claim.Token, out _);
            if (await leases.ReleaseAsync(snapshot.Id, claim.Token, CancellationToken.None).ConfigureAwait(false))
                logger.LogInformation("Job {JobId} given back to the shared queue (this replica is stopping)", snapshot.Id);
            return;
        }
        var images = snapshot.State == JobState.Succeeded ? claim.Job.Images : [];
        var applied = await leases.UpdateAsync(claim.Token, snapshot, entry, images, CancellationToken.None).ConfigureAwait(false);
        if (applied && !snapshot.State.IsFinal()) return;
        _held.TryRemove(claim.Token, out _);
        if (!applied && !snapshot.State.IsFinal())
            claim.Job.RequestCancel("This replica lost the job's lease; another replica runs it.", time.GetUtcNow());
    }

    private void CancelLocal(string jobId, string reason)
    {
        foreach (var claim in _held.Values.Where(c => c.Job.Id == jobId)) claim.Job.RequestCancel(reason, time.GetUtcNow());
    }

    private async Task Pause(CancellationToken stopping)
    {
        try
        {
            await Task.Delay(_poll, time, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop ends.
        }
    }

    private sealed record Transition(Claim Claim, JobSnapshot Snapshot, JobEvent? Entry);

    // One claim of one job: its lease token, and the listener that queues the local job's transitions for writing.
    private sealed class Claim(RedisJobRelay relay, string token, DateTimeOffset claimedAt) : IJobListener
    {
        public string Token => token;

        private volatile bool _occupies = true;

        public DateTimeOffset ClaimedAt => claimedAt;

        /// <summary>See <see cref="ClaimPolicy.Occupies"/>, as of the job's latest transition.</summary>
        public bool Occupies => _occupies;

        public Job Job { get; set; } = null!;

        public void OnTransition(Job job, JobSnapshot snapshot, JobEvent? entry)
        {
            relay._writes.Writer.TryWrite(new Transition(this, snapshot, entry));
            relay._webhooks.OnTransition(job, snapshot, entry);
            var occupied = _occupies;
            _occupies = ClaimPolicy.Occupies(snapshot.State, snapshot.Step, snapshot.TotalSteps);
            if (occupied && !_occupies) relay.PlacesFreed();
            // The only transition to running without an event is the start.
            else if (snapshot.State == JobState.Running && entry is null) relay.JobStarted();
        }
    }
}
