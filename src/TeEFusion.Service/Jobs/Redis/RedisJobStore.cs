using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TeEFusion.Service.Health;
using TeEFusion.Service.Options;
using TeEFusion.Service.Webhooks;

namespace TeEFusion.Service.Jobs.Redis;

/// <summary>
/// The shared provider: jobs, their events and images in Redis, queued in one sorted set that every replica's worker
/// claims from (see <see cref="RedisScripts"/> for the layout and <see cref="RedisJobRelay"/> for the worker side).
/// Any replica answers for any job: SSE readers follow the job's event list, woken by pub/sub.
/// </summary>
public sealed class RedisJobStore(
    RedisConnection connection,
    RedisNotifications notifications,
    RedisJobLeases leases,
    IOptions<QueueOptions> queue,
    WebhookListener webhooks,
    TimeProvider time) : IJobStore
{
    private readonly QueueOptions _queue = queue.Value;

    public string Provider => "redis";

    public int Capacity => _queue.Capacity;

    public int QueueDepth => leases.LastPending;

    public JobStoreCheck? Check() => connection.Check();

    public async Task<Submission> SubmitAsync(Job job, string? idempotencyKey, string fingerprint, CancellationToken cancellation)
    {
        RedisValue[] args = [connection.Prefix, job.Id, idempotencyKey ?? "", fingerprint, _queue.Capacity, .. RedisJobFields.Submitted(job)];
        var result = (RedisResult[])(await connection.RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.Submit, values: args), cancellation))!;
        var (outcome, id) = ((string)result[0]!, result.Length > 1 ? (string)result[1]! : job.Id);
        return outcome switch
        {
            "created" or "existing" => await GetAsync(id, cancellation) is { } status
                ? new Submission.Accepted(status, Replayed: outcome == "existing")
                : throw new JobStoreUnavailableException($"Job {id} was stored but could not be read back."),
            "reused" => Submission.Refused.KeyReused(),
            _ => Submission.Refused.QueueFull(_queue.Capacity),
        };
    }

    public async Task<JobStatus?> GetAsync(string id, CancellationToken cancellation)
    {
        var (fields, rank) = await connection.RunAsync(async db =>
        {
            var batch = db.CreateBatch();
            var hash = batch.HashGetAllAsync(JobKey(id));
            var position = batch.SortedSetRankAsync(Key("pending"), id);
            batch.Execute();
            return (await hash, await position);
        }, cancellation);
        if (fields.Length == 0) return null;
        var snapshot = RedisJobFields.Snapshot(RedisJobFields.ToDictionary(fields));
        // A queued job out of the pending set was claimed by a replica and starts at its next step boundary: it is next.
        return new JobStatus(snapshot, snapshot.State == JobState.Queued ? (int)(rank ?? 0) : null);
    }

    public async IAsyncEnumerable<JobEvent> ReadEventsAsync(string id, long afterId, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await notifications.EnsureSubscribedAsync();
        var next = Math.Max(afterId, 0);
        while (true)
        {
            var wait = notifications.WatchEvents(id);
            var (events, state) = await connection.RunAsync(async db =>
            {
                var batch = db.CreateBatch();
                var list = batch.ListRangeAsync(JobKey(id) + ":events", next);
                var current = batch.HashGetAsync(JobKey(id), "state");
                batch.Execute();
                return (await list, await current);
            }, cancellation);
            foreach (var json in events)
            {
                // A folded event (a finished job's progress) keeps its place, and so the ids after it.
                if (((string)json!).Length == 0)
                {
                    next++;
                    continue;
                }
                var entry = RedisJobFields.Event(++next, json!);
                yield return entry;
                if (entry.IsFinal) yield break;
            }
            // Gone (evicted), or finished with its final event already read by the caller.
            if (state.IsNull || (events.Length == 0 && Enum.Parse<JobState>((string)state!, ignoreCase: true).IsFinal())) yield break;
            await wait(cancellation);
        }
    }

    public async Task<byte[]?> GetImageAsync(string id, int index, CancellationToken cancellation)
    {
        var png = await connection.RunAsync(db => db.HashGetAsync(JobKey(id) + ":images", index), cancellation);
        return png.IsNull ? null : (byte[])png!;
    }

    public async Task<JobCancellation?> CancelAsync(string id, string reason, CancellationToken cancellation)
    {
        RedisValue[] args = [connection.Prefix, id, reason, RedisJobFields.NowMillis(time), _queue.ResultTtlSeconds];
        var outcome = (string)(await connection.RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.Cancel, values: args), cancellation))!;
        if (outcome == "missing" || await GetAsync(id, cancellation) is not { } status) return null;
        if (outcome == "canceled") webhooks.OnCanceledInStore(status.Snapshot);
        return new JobCancellation(status, outcome == "final");
    }

    public async Task WaitForCompletionAsync(string id, CancellationToken cancellation)
    {
        await notifications.EnsureSubscribedAsync().WaitAsync(cancellation);
        while (true)
        {
            var wait = notifications.WatchEvents(id);
            var state = await connection.RunAsync(db => db.HashGetAsync(JobKey(id), "state"), cancellation);
            if (state.IsNull || Enum.Parse<JobState>((string)state!, ignoreCase: true).IsFinal()) return;
            await wait(cancellation);
        }
    }

    private string Key(string name) => connection.Prefix + ":" + name;

    private string JobKey(string id) => connection.Prefix + ":job:" + id;
}
