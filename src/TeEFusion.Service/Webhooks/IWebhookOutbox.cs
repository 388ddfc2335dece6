namespace TeEFusion.Service.Webhooks;

/// <summary>
/// Pending webhook deliveries, a queue per job: only a job's first message is ever handed out, and the next one only
/// after it completed, so each job's events arrive in order. <see cref="InMemoryWebhookOutbox"/> for the in-process
/// provider, <see cref="RedisWebhookOutbox"/> (leased, so another replica takes over after a crash) for Redis.
/// </summary>
public interface IWebhookOutbox
{
    /// <summary>Messages waiting or in flight (for Redis: as last read).</summary>
    int Pending { get; }

    /// <summary>Appends to the job's queue; does nothing once the job's receiver answered 410.</summary>
    Task AddAsync(WebhookMessage message, CancellationToken cancellation);

    /// <summary>The first message of a job none is delivering now, leased to the caller; null when there is none.</summary>
    Task<WebhookLease?> TakeAsync(CancellationToken cancellation);

    /// <summary>Returns when a message may be ready (soon after an add, or after a poll interval).</summary>
    Task WaitForWorkAsync(CancellationToken cancellation);

    /// <summary>Keeps the lease while attempts go on; false when it was lost (another replica delivers it now).</summary>
    Task<bool> RenewAsync(WebhookLease lease, CancellationToken cancellation);

    /// <summary>Counts one HTTP attempt and its answer for the job's JSON.</summary>
    Task RecordAttemptAsync(string jobId, int? status, string? error, CancellationToken cancellation);

    /// <summary>Removes the message (all of the job's for <see cref="WebhookOutcome.Gone"/>) and releases the job's next one.</summary>
    Task CompleteAsync(WebhookLease lease, WebhookOutcome outcome, CancellationToken cancellation);

    Task<WebhookDeliveries> DeliveriesAsync(string jobId, CancellationToken cancellation);
}
