using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TeEFusion.Service.Jobs.Redis;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Webhooks;

/// <summary>
/// The Redis provider's outbox, shared by every replica (<see cref="RedisWebhookScripts"/>): a message stays in Redis
/// until a replica completes it, under a lease the delivering replica renews, so a replica that dies mid-delivery loses
/// nothing: another one (or the restarted one) takes the same message, with the same webhook-id, once the lease expires.
/// </summary>
public sealed class RedisWebhookOutbox(
    RedisConnection connection, IOptions<WebhooksOptions> webhooks, IOptions<QueueOptions> queue, IOptions<RedisOptions> redis, TimeProvider time)
    : IWebhookOutbox
{
    private readonly long _leaseMs = webhooks.Value.LeaseSeconds * 1000L;
    private readonly int _stateTtl = queue.Value.ResultTtlSeconds + webhooks.Value.DeadlineSeconds;
    private readonly TimeSpan _poll = TimeSpan.FromMilliseconds(redis.Value.PollMilliseconds);
    private readonly SemaphoreSlim _added = new(0);
    private int _pending;

    public int Pending => Volatile.Read(ref _pending);

    public async Task AddAsync(WebhookMessage message, CancellationToken cancellation)
    {
        await Run(RedisWebhookScripts.Add, cancellation, message.JobId, JsonSerializer.Serialize(message));
        _added.Release();
    }

    public async Task<WebhookLease?> TakeAsync(CancellationToken cancellation)
    {
        var token = Guid.NewGuid().ToString("N");
        RedisValue[] args = [connection.Prefix, Now(), _leaseMs, token];
        var head = await connection.RunAsync(db => db.ScriptEvaluateAsync(RedisWebhookScripts.Take, values: args), cancellation);
        return head.IsNull ? null : new WebhookLease(JsonSerializer.Deserialize<WebhookMessage>((string)head!)!, token);
    }

    public async Task WaitForWorkAsync(CancellationToken cancellation)
    {
        // Another replica's adds and expired leases are only seen by polling; this replica's adds wake it at once.
        await _added.WaitAsync(_poll, cancellation);
        var pending = await connection.RunAsync(db => db.StringGetAsync(Key("hooks:pending")), cancellation);
        Volatile.Write(ref _pending, pending.TryParse(out int count) ? count : 0);
    }

    public async Task<bool> RenewAsync(WebhookLease lease, CancellationToken cancellation) =>
        (int)await Run(RedisWebhookScripts.Renew, cancellation, lease.Message.JobId, lease.Token, Now(), _leaseMs) == 1;

    public Task RecordAttemptAsync(string jobId, int? status, string? error, CancellationToken cancellation) =>
        Run(RedisWebhookScripts.Attempt, cancellation, jobId, status?.ToString() ?? "", error ?? "", _stateTtl);

    public Task CompleteAsync(WebhookLease lease, WebhookOutcome outcome, CancellationToken cancellation) =>
        Run(RedisWebhookScripts.Complete, cancellation, lease.Message.JobId, lease.Token,
            outcome == WebhookOutcome.Delivered ? "delivered" : "failed", outcome == WebhookOutcome.Gone ? 1 : 0, _stateTtl);

    public async Task<WebhookDeliveries> DeliveriesAsync(string jobId, CancellationToken cancellation)
    {
        var f = RedisJobFields.ToDictionary(await connection.RunAsync(db => db.HashGetAllAsync(Key("hooks:state:" + jobId)), cancellation));
        int Count(string name) => f.TryGetValue(name, out var v) && v.TryParse(out int n) ? n : 0;
        return new WebhookDeliveries(Count("attempted"), Count("delivered"), Count("failed"),
            f.TryGetValue("last_status", out var s) && s.TryParse(out int status) ? status : null,
            f.TryGetValue("last_error", out var e) && !e.IsNullOrEmpty ? (string)e! : null);
    }

    private Task<RedisResult> Run(string script, CancellationToken cancellation, string jobId, params RedisValue[] rest)
    {
        RedisValue[] args = [connection.Prefix, jobId, .. rest];
        return connection.RunAsync(db => db.ScriptEvaluateAsync(script, values: args), cancellation);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private string Key(string name) => connection.Prefix + ":" + name;
}
