using StackExchange.Redis;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// What Redis keeps per finished job under one key prefix: MEMORY USAGE (all samples) of the job's hash, its event list
/// and its image hash (absent when the images live in an image store), averaged over the finished jobs.
/// </summary>
public static class RedisFootprint
{
    /// <summary>The mean bytes per finished job under <paramref name="prefix"/>; null when none has finished.</summary>
    public static async Task<double?> BytesPerFinishedJobAsync(string connection, string prefix)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connection);
        var db = redis.GetDatabase();
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var totals = new List<long>();
        await foreach (var key in server.KeysAsync(pattern: $"{prefix}:job:*", pageSize: 500))
        {
            var name = (string)key!;
            if (name.EndsWith(":events", StringComparison.Ordinal) || name.EndsWith(":images", StringComparison.Ordinal)) continue;
            if ((string?)await db.HashGetAsync(key, "state") is not ("succeeded" or "failed" or "canceled")) continue;
            var bytes = 0L;
            foreach (var part in new[] { name, name + ":events", name + ":images" })
                if (await db.ExecuteAsync("MEMORY", "USAGE", part, "SAMPLES", "0") is { IsNull: false } usage) bytes += (long)usage;
            totals.Add(bytes);
        }
        return totals.Count > 0 ? totals.Average() : null;
    }
}
