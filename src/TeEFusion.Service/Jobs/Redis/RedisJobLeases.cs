using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Jobs.Redis;

/// <summary>
/// The worker side of the Redis store: claiming queued jobs under a lease (a token per claim), renewing leases,
/// writing a claimed job's transitions (only while its lease holds, so that a job never completes twice), giving jobs
/// back, and re-queuing jobs whose lease expired. See <see cref="RedisScripts"/>.
/// </summary>
public sealed class RedisJobLeases(RedisConnection connection, IOptions<RedisOptions> redis, IOptions<QueueOptions> queue, TimeProvider time)
{
    private readonly TimeSpan _visibility = TimeSpan.FromSeconds(redis.Value.VisibilityTimeoutSeconds);
    private readonly int _ttl = queue.Value.ResultTtlSeconds;
    private long _lastPending;

    /// <summary>What the latest <see cref="PendingAsync"/> read (the relay reads it every renewal); 0 before the first read.</summary>
    public int LastPending => (int)Interlocked.Read(ref _lastPending);

    /// <summary>Up to one queued job per token, oldest first, each now leased to its token, in one round trip; empty when
    /// nothing waits.</summary>
    public async Task<IReadOnlyList<(string Token, IReadOnlyDictionary<string, RedisValue> Fields)>> ClaimAsync(IReadOnlyList<string> tokens,
        CancellationToken cancellation)
    {
        if (tokens.Count == 0) return [];
        RedisValue[] args = [connection.Prefix, Expiry(), .. tokens.Select(t => (RedisValue)t)];
        var claimed = (RedisResult[])(await connection.RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.Claim, values: args), cancellation))!;
        return claimed.Select(pair => (RedisResult[])pair!)
            .Select(pair => ((string)pair[0]!, (IReadOnlyDictionary<string, RedisValue>)RedisJobFields.ToDictionary(pair[1])))
            .ToList();
    }

    /// <summary>Extends the leases of the given (job id, token) pairs; returns the jobs whose lease was lost and the
    /// cancel requests recorded for the others.</summary>
    public async Task<IReadOnlyList<LeaseNotice>> RenewAsync(IReadOnlyCollection<(string JobId, string Token)> held, CancellationToken cancellation)
    {
        if (held.Count == 0) return [];
        RedisValue[] args = [connection.Prefix, Expiry(), .. held.SelectMany(h => new RedisValue[] { h.JobId, h.Token })];
        var flat = (RedisValue[])(await connection.RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.Renew, values: args), cancellation))!;
        var notices = new List<LeaseNotice>();
        for (var i = 0; i + 2 < flat.Length; i += 3)
            notices.Add(new LeaseNotice((string)flat[i]!, (string)flat[i + 1]! == "lost", (string)flat[i + 2]!));
        return notices;
    }

    /// <summary>Writes a transition of a claimed job; false when <paramref name="token"/> no longer holds its lease or the
    /// job had already ended (nothing was written). A final transition releases the lease and starts the TTL.</summary>
    public async Task<bool> UpdateAsync(string token, JobSnapshot snapshot, JobEvent? entry, IReadOnlyList<byte[]> images,
        CancellationToken cancellation)
    {
        var fields = RedisJobFields.Progress(snapshot);
        RedisValue[] args =
        [
            connection.Prefix, snapshot.Id, token, entry is null ? "" : RedisJobFields.EventJson(entry),
            snapshot.State.IsFinal() ? "1" : "0", _ttl, fields.Length / 2, .. fields, .. images.Select(png => (RedisValue)png),
        ];
        return (int)await connection.RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.Update, values: args), cancellation) == 1;
    }

    /// <summary>Gives a claimed job back to the queue at once; false when the token no longer held its lease.</summary>
    public async Task<bool> ReleaseAsync(string jobId, string token, CancellationToken cancellation)
    {
        RedisValue[] args = [connection.Prefix, RedisJobFields.NowMillis(time), _ttl, jobId, token];
        return (int)await connection.RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.Release, values: args), cancellation) == 1;
    }

    /// <summary>Re-queues the claimed jobs whose lease expired (their replica died); returns how many.</summary>
    public async Task<int> RequeueExpiredAsync(CancellationToken cancellation)
    {
        RedisValue[] args = [connection.Prefix, RedisJobFields.NowMillis(time), _ttl];
        return (int)await connection.RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.RequeueExpired, values: args), cancellation);
    }

    /// <summary>Queued jobs nobody has claimed yet; remembered as <see cref="LastPending"/>.</summary>
    public async Task<long> PendingAsync(CancellationToken cancellation)
    {
        var pending = await connection.RunAsync(db => db.SortedSetLengthAsync(connection.Prefix + ":pending"), cancellation);
        Interlocked.Exchange(ref _lastPending, pending);
        return pending;
    }

    private long Expiry() => (time.GetUtcNow() + _visibility).ToUnixTimeMilliseconds();
}
