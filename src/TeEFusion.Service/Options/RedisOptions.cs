using System.ComponentModel.DataAnnotations;

namespace TeEFusion.Service.Options;

/// <summary>The shared job store when Jobs:Provider is Redis (section "Redis"); ignored otherwise.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. "redis:6379,password=…,ssl=true". Required for the Redis provider.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Prefix of every key and channel, so that several deployments can share one Redis.</summary>
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string KeyPrefix { get; set; } = "teefusion";

    /// <summary>
    /// A job claimed by a replica that stops renewing its lease (crashed, partitioned) goes back to the queue this long
    /// after the last renewal. Replicas renew every third of it.
    /// </summary>
    [Range(1, 3600)]
    public int VisibilityTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// How often an idle replica looks for queued work and a waiting reader re-reads a job when no notification came
    /// (notifications are pub/sub, which Redis does not guarantee; this bounds the delay when one is lost).
    /// </summary>
    [Range(10, 60_000)]
    public int PollMilliseconds { get; set; } = 500;

    /// <summary>
    /// Jobs a replica claims beyond its batch's free places, so that a finishing job is replaced at the next step without
    /// waiting for a round trip to Redis. Small on purpose: what a replica holds, no other replica can run.
    /// </summary>
    [Range(0, 64)]
    public int PrefetchJobs { get; set; } = 1;

    /// <summary>
    /// A claimed job the replica's worker has not started within this bound goes back to the shared queue (at its old
    /// place), for a replica with a free place. Checked at each wake-up of the claim loop, so at least every
    /// <see cref="PollMilliseconds"/>.
    /// </summary>
    [Range(100, 600_000)]
    public int PrefetchGiveBackMilliseconds { get; set; } = 5000;

    /// <summary>Retries of a command that failed on a connection fault or timeout, before the request gets 503.</summary>
    [Range(0, 10)]
    public int Retries { get; set; } = 3;
}
