namespace TeEFusion.Service.Webhooks;

/// <summary>
/// The Lua scripts of <see cref="RedisWebhookOutbox"/>, each atomic. Keys are built from ARGV[1] (the prefix p), like the
/// job scripts (one Redis primary, no cluster):
/// <list type="bullet">
/// <item>p:hooks:q:JOB (list): the job's pending messages as JSON, oldest first; only the first is ever delivered.</item>
/// <item>p:hooks:ready (sorted set): jobs with pending messages, scored by when their first may be taken (ms): 0 when
/// nobody delivers it, the lease's expiry while a replica does; so a crashed replica's message is taken again after that.</item>
/// <item>p:hooks:lease:JOB (string): the token of the replica delivering the job's first message.</item>
/// <item>p:hooks:state:JOB (hash): attempted, delivered, failed, last_status, last_error, gone (410 seen); expires with the results.</item>
/// <item>p:hooks:pending (counter): messages in all queues.</item>
/// </list>
/// </summary>
internal static class RedisWebhookScripts
{
    private const string Keys = """
        local p, job = ARGV[1], ARGV[2]
        local q, ready, lease, state = p .. ':hooks:q:' .. job, p .. ':hooks:ready', p .. ':hooks:lease:' .. job, p .. ':hooks:state:' .. job
        """;

    /// <summary>ARGV: prefix, job, message JSON. 0 when the receiver already answered 410.</summary>
    public const string Add = Keys + """

        if redis.call('HGET', state, 'gone') == '1' then return 0 end
        redis.call('RPUSH', q, ARGV[3])
        redis.call('ZADD', ready, 'NX', 0, job)
        redis.call('INCR', p .. ':hooks:pending')
        return 1
        """;

    /// <summary>ARGV: prefix, now (ms), lease (ms), token. The first message of a job nobody delivers, now leased; nil for none.</summary>
    public const string Take = """
        local p, now = ARGV[1], tonumber(ARGV[2])
        local ready = p .. ':hooks:ready'
        for _, job in ipairs(redis.call('ZRANGEBYSCORE', ready, '-inf', now, 'LIMIT', 0, 16)) do
          local head = redis.call('LINDEX', p .. ':hooks:q:' .. job, 0)
          if head then
            redis.call('ZADD', ready, now + tonumber(ARGV[3]), job)
            redis.call('SET', p .. ':hooks:lease:' .. job, ARGV[4])
            return head
          end
          redis.call('ZREM', ready, job)
        end
        return false
        """;

    /// <summary>ARGV: prefix, job, token, now (ms), lease (ms). 1 while the token still holds the lease.</summary>
    public const string Renew = Keys + """

        if redis.call('GET', lease) ~= ARGV[3] then return 0 end
        redis.call('ZADD', ready, 'XX', tonumber(ARGV[4]) + tonumber(ARGV[5]), job)
        return 1
        """;

    /// <summary>ARGV: prefix, job, status, error, state TTL (s). Counts one attempt.</summary>
    public const string Attempt = Keys + """

        redis.call('HINCRBY', state, 'attempted', 1)
        redis.call('HSET', state, 'last_status', ARGV[3], 'last_error', ARGV[4])
        redis.call('EXPIRE', state, ARGV[5])
        return 1
        """;

    /// <summary>
    /// ARGV: prefix, job, token, counter (delivered or failed), gone (1 drops the job's other messages), state TTL (s).
    /// Removes the first message and readies the next; 0 (nothing changed) when the lease was lost.
    /// </summary>
    public const string Complete = Keys + """

        if redis.call('GET', lease) ~= ARGV[3] then return 0 end
        redis.call('DEL', lease)
        local removed = 1
        if ARGV[5] == '1' then
          removed = redis.call('LLEN', q)
          redis.call('DEL', q)
          redis.call('HSET', state, 'gone', 1)
        else
          redis.call('LPOP', q)
        end
        redis.call('DECRBY', p .. ':hooks:pending', removed)
        if redis.call('LLEN', q) > 0 then redis.call('ZADD', ready, 0, job) else redis.call('ZREM', ready, job) end
        redis.call('HINCRBY', state, ARGV[4], 1)
        redis.call('EXPIRE', state, ARGV[6])
        return 1
        """;
}
