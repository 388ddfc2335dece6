namespace TeEFusion.Service.Jobs.Redis;

/// <summary>
/// The Lua scripts that change jobs. Each runs atomically in Redis, so a job's state, its place in the queues, its
/// lease and its events never disagree, whichever replicas act on it at once. Keys are built from ARGV[1] (the prefix):
/// one Redis primary holds everything (Redis Cluster is not supported). Layout, with p = the prefix:
/// <list type="bullet">
/// <item>p:job:ID (hash): id, spec, created, model_id, model_version, deadline, deadline_client, total, seq (arrival order),
/// state, step, started, finished, eta, warnings, error_code, error, images (count), lease (the claim's token),
/// cancel (a cancel request for a running job), idem (its idempotency record's key).</item>
/// <item>p:job:ID:events (list): the events as JSON {type, data}; event n is element n-1; once the job has ended, its
/// progress events are '' (<see cref="JobEventFolding"/>).</item>
/// <item>p:job:ID:images (hash): index → the encoded image file (its format is in the spec field).</item>
/// <item>p:idem:KEY (hash): fp (request fingerprint), job.</item>
/// <item>p:pending (sorted set by seq): queued jobs nobody claimed. p:claimed (sorted set by lease expiry, ms): claimed jobs.</item>
/// <item>Channels p:events (job id: a new event), p:work (a job was queued), p:cancel ("ID\nreason": end it if you run it).</item>
/// </list>
/// A finished job's keys (and its idempotency record) expire after Queue:ResultTtlSeconds.
/// </summary>
internal static class RedisScripts
{
    private const string Helpers = """
        local p = ARGV[1]
        local function final(state)
          return state == 'succeeded' or state == 'failed' or state == 'canceled'
        end
        -- JobEventFolding.FoldedTypes: a finished job's progress events become '' (their ids, the list's indices, stay).
        -- A plain find is exact: inside a JSON string every quote is escaped, so only the event's own type field matches.
        local folded_types = {'progress'}
        local function fold_events(jk)
          local key = jk .. ':events'
          for i, e in ipairs(redis.call('LRANGE', key, 0, -1)) do
            for _, t in ipairs(folded_types) do
              if string.find(e, '"type":"' .. t .. '"', 1, true) then redis.call('LSET', key, i - 1, '') end
            end
          end
        end
        local function expire_all(jk, ttl)
          fold_events(jk)
          redis.call('EXPIRE', jk, ttl)
          redis.call('EXPIRE', jk .. ':events', ttl)
          redis.call('EXPIRE', jk .. ':images', ttl)
          local idem = redis.call('HGET', jk, 'idem')
          if idem then redis.call('EXPIRE', idem, ttl) end
        end
        local function push_event(id, jk, etype, data)
          data.job_id = id
          data.image_count = 0
          redis.call('RPUSH', jk .. ':events', cjson.encode({type = etype, data = data}))
          redis.call('PUBLISH', p .. ':events', id)
        end
        local function enqueue(id, jk, seq, total)
          redis.call('ZADD', p .. ':pending', seq, id)
          local position = redis.call('ZRANK', p .. ':pending', id)
          push_event(id, jk, 'queued', {state = 'queued', step = 0, total_steps = tonumber(total), queue_position = position})
          redis.call('PUBLISH', p .. ':work', id)
        end
        local function cancel_now(id, jk, reason, now, ttl)
          local f = redis.call('HMGET', jk, 'step', 'total')
          redis.call('ZREM', p .. ':pending', id)
          redis.call('ZREM', p .. ':claimed', id)
          redis.call('HDEL', jk, 'lease', 'cancel')
          redis.call('HSET', jk, 'state', 'canceled', 'finished', now, 'eta', '', 'error_code', 'canceled', 'error', reason)
          push_event(id, jk, 'canceled', {state = 'canceled', step = tonumber(f[1]), total_steps = tonumber(f[2]), reason = reason})
          expire_all(jk, ttl)
        end
        -- A claimed job nobody will finish: back to its place in the queue, or ended when the client asked to cancel it.
        local function requeue(id, jk, now, ttl)
          redis.call('ZREM', p .. ':claimed', id)
          local f = redis.call('HMGET', jk, 'state', 'seq', 'cancel', 'total')
          if not f[1] or final(f[1]) then return 0 end
          if f[3] then
            cancel_now(id, jk, f[3], now, ttl)
            return 1
          end
          redis.call('HDEL', jk, 'lease')
          redis.call('HSET', jk, 'state', 'queued', 'step', 0, 'started', '', 'eta', '')
          enqueue(id, jk, f[2], f[4])
          return 1
        end

        """;

    /// <summary>ARGV: prefix, id, idempotency key ('' for none), fingerprint, capacity, then the job's fields as name/value pairs.
    /// Returns {'created'}, {'existing', id}, {'reused'} or {'full'}.</summary>
    public const string Submit = Helpers + """
        local id = ARGV[2]
        local ik = p .. ':idem:' .. ARGV[3]
        if ARGV[3] ~= '' then
          local seen = redis.call('HMGET', ik, 'fp', 'job')
          if seen[1] then
            if seen[1] == ARGV[4] then return {'existing', seen[2]} end
            return {'reused'}
          end
        end
        if redis.call('ZCARD', p .. ':pending') >= tonumber(ARGV[5]) then return {'full'} end
        local jk = p .. ':job:' .. id
        local seq = redis.call('INCR', p .. ':seq')
        redis.call('HSET', jk, 'id', id, 'state', 'queued', 'step', 0, 'seq', seq, unpack(ARGV, 6))
        if ARGV[3] ~= '' then
          redis.call('HSET', ik, 'fp', ARGV[4], 'job', id)
          redis.call('HSET', jk, 'idem', ik)
        end
        enqueue(id, jk, seq, redis.call('HGET', jk, 'total'))
        return {'created'}
        """;

    /// <summary>ARGV: prefix, lease expiry (ms), then one token per job wanted. Takes up to that many queued jobs, oldest
    /// first, each leased to its own token (one round trip fills a replica's free batch places); returns one {token, hash}
    /// pair per job taken, none when nothing waits.</summary>
    public const string Claim = Helpers + """
        local out = {}
        local t = 3
        while t <= #ARGV do
          local head = redis.call('ZRANGE', p .. ':pending', 0, 0)
          if #head == 0 then break end
          local id = head[1]
          redis.call('ZREM', p .. ':pending', id)
          local jk = p .. ':job:' .. id
          if redis.call('HGET', jk, 'state') == 'queued' then
            redis.call('HSET', jk, 'lease', ARGV[t])
            redis.call('ZADD', p .. ':claimed', ARGV[2], id)
            out[#out + 1] = {ARGV[t], redis.call('HGETALL', jk)}
            t = t + 1
          end
        end
        return out
        """;

    /// <summary>ARGV: prefix, lease expiry (ms), then id/token pairs. Extends the leases still held; returns, per job that
    /// needs action, id, 'lost' or 'cancel', and the cancel reason ('' for lost).</summary>
    public const string Renew = Helpers + """
        local out = {}
        for i = 3, #ARGV, 2 do
          local id = ARGV[i]
          local f = redis.call('HMGET', p .. ':job:' .. id, 'lease', 'cancel')
          if f[1] == ARGV[i + 1] then
            redis.call('ZADD', p .. ':claimed', 'XX', ARGV[2], id)
            if f[2] then
              out[#out + 1] = id; out[#out + 1] = 'cancel'; out[#out + 1] = f[2]
            end
          else
            out[#out + 1] = id; out[#out + 1] = 'lost'; out[#out + 1] = ''
          end
        end
        return out
        """;

    /// <summary>ARGV: prefix, id, token, event JSON ('' for none), final ('1'/'0'), ttl (s), field count n, n name/value pairs,
    /// then the image files. Applies a transition only while the token still holds the lease, so a job never completes twice;
    /// returns 1 when applied, 0 when the lease was lost or the job had already ended.</summary>
    public const string Update = Helpers + """
        local id = ARGV[2]
        local jk = p .. ':job:' .. id
        local f = redis.call('HMGET', jk, 'lease', 'state')
        if f[1] ~= ARGV[3] or final(f[2]) then return 0 end
        local n = tonumber(ARGV[7])
        if n > 0 then redis.call('HSET', jk, unpack(ARGV, 8, 7 + 2 * n)) end
        for i = 8 + 2 * n, #ARGV do
          redis.call('HSET', jk .. ':images', i - 8 - 2 * n, ARGV[i])
        end
        if ARGV[4] ~= '' then
          redis.call('RPUSH', jk .. ':events', ARGV[4])
          redis.call('PUBLISH', p .. ':events', id)
        end
        if ARGV[5] == '1' then
          redis.call('HDEL', jk, 'lease', 'cancel')
          redis.call('ZREM', p .. ':claimed', id)
          expire_all(jk, tonumber(ARGV[6]))
        end
        return 1
        """;

    /// <summary>ARGV: prefix, id, reason, now (ms), ttl (s). Returns 'missing', 'final', 'canceled' (it was queued) or
    /// 'requested' (it runs; its replica ends it at the next step).</summary>
    public const string Cancel = Helpers + """
        local id = ARGV[2]
        local jk = p .. ':job:' .. id
        local f = redis.call('HMGET', jk, 'state', 'cancel')
        if not f[1] then return 'missing' end
        if final(f[1]) then return 'final' end
        if f[1] == 'queued' then
          cancel_now(id, jk, ARGV[3], ARGV[4], tonumber(ARGV[5]))
          redis.call('PUBLISH', p .. ':cancel', id .. '\n' .. ARGV[3])
          return 'canceled'
        end
        local reason = f[2] or ARGV[3]
        if not f[2] then redis.call('HSET', jk, 'cancel', reason) end
        redis.call('PUBLISH', p .. ':cancel', id .. '\n' .. reason)
        return 'requested'
        """;

    /// <summary>ARGV: prefix, now (ms), ttl (s). Re-queues every claimed job whose lease expired; returns how many.</summary>
    public const string RequeueExpired = Helpers + """
        local count = 0
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', p .. ':claimed', '-inf', ARGV[2])) do
          count = count + requeue(id, p .. ':job:' .. id, ARGV[2], tonumber(ARGV[3]))
        end
        return count
        """;

    /// <summary>ARGV: prefix, now (ms), ttl (s), id, token. Gives a claimed job back to the queue at once (a replica
    /// shutting down), if the token still holds its lease; returns 1 when it did.</summary>
    public const string Release = Helpers + """
        local jk = p .. ':job:' .. ARGV[4]
        if redis.call('HGET', jk, 'lease') ~= ARGV[5] then return 0 end
        return requeue(ARGV[4], jk, ARGV[2], tonumber(ARGV[3]))
        """;
}
