using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace TeEFusion.Service.Jobs.Redis;

/// <summary>
/// A job's hash fields (see <see cref="RedisScripts"/>) to and from the service's types. Times are Unix milliseconds;
/// an empty or absent field is null. Events are stored as JSON {type, data}, with their ids given by their place in the list.
/// </summary>
internal static class RedisJobFields
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>What never changes after submission.</summary>
    public static IEnumerable<RedisValue> Submitted(Job job)
    {
        yield return "spec";
        yield return JsonSerializer.Serialize(job.Spec, Json);
        yield return "created";
        yield return Millis(job.CreatedAt);
        yield return "total";
        yield return job.TotalSteps;
        yield return "model_id";
        yield return job.ModelId ?? "";
        yield return "model_version";
        yield return job.ModelVersion ?? "";
        yield return "deadline";
        yield return job.Deadline is { } deadline ? Millis(deadline) : "";
        yield return "deadline_client";
        yield return job.DeadlineFromClient ? 1 : 0;
    }

    /// <summary>What a transition changes.</summary>
    public static RedisValue[] Progress(JobSnapshot s) =>
    [
        "state", Name(s.State), "step", s.Step, "started", Millis(s.StartedAt), "finished", Millis(s.FinishedAt),
        "eta", s.EtaSeconds is { } eta ? eta.ToString("R", CultureInfo.InvariantCulture) : "",
        "warnings", JsonSerializer.Serialize(s.Warnings, Json), "error_code", s.ErrorCode?.Name() ?? "", "error", s.Error ?? "",
        "images", s.ImageCount,
    ];

    public static JobSnapshot Snapshot(IReadOnlyDictionary<string, RedisValue> f) => new(
        (string)f["id"]!,
        JsonSerializer.Deserialize<JobSpec>((string)f["spec"]!, Json)!,
        Enum.Parse<JobState>((string)f["state"]!, ignoreCase: true),
        FromMillis(f["created"])!.Value,
        FromMillis(Get(f, "started")),
        FromMillis(Get(f, "finished")),
        (int)f["step"],
        (int)f["total"],
        Text(Get(f, "eta")) is { } eta ? double.Parse(eta, CultureInfo.InvariantCulture) : null,
        Text(Get(f, "warnings")) is { } warnings ? JsonSerializer.Deserialize<string[]>(warnings, Json)! : [],
        JobErrorCodes.Parse(Text(Get(f, "error_code"))),
        Text(Get(f, "error")),
        Get(f, "images").TryParse(out int images) ? images : 0,
        Text(Get(f, "model_id")),
        Text(Get(f, "model_version")));

    /// <summary>The replica-local copy of a claimed job, which the device worker runs.</summary>
    public static Job LocalJob(IReadOnlyDictionary<string, RedisValue> f, IJobListener listener)
    {
        var s = Snapshot(f);
        return new Job(s.Id, s.Spec, s.CreatedAt, s.ModelId, s.ModelVersion)
        {
            Deadline = FromMillis(Get(f, "deadline")),
            DeadlineFromClient = Get(f, "deadline_client") == 1,
            Listener = listener,
        };
    }

    public static Dictionary<string, RedisValue> ToDictionary(HashEntry[] entries) =>
        entries.ToDictionary(e => (string)e.Name!, e => e.Value, StringComparer.Ordinal);

    public static Dictionary<string, RedisValue> ToDictionary(RedisResult flat)
    {
        var items = (RedisValue[])flat!;
        var fields = new Dictionary<string, RedisValue>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < items.Length; i += 2) fields[(string)items[i]!] = items[i + 1];
        return fields;
    }

    public static string EventJson(JobEvent entry) => JsonSerializer.Serialize(new StoredEvent(entry.Type, entry.Data), Json);

    /// <summary>Event <paramref name="id"/> (1-based) from its stored JSON.</summary>
    public static JobEvent Event(long id, string json)
    {
        var stored = JsonSerializer.Deserialize<StoredEvent>(json, Json)!;
        return new JobEvent(id, stored.Type, stored.Data);
    }

    public static string Name(JobState state) => state.ToString().ToLowerInvariant();

    public static long NowMillis(TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static RedisValue Millis(DateTimeOffset? at) => at is { } value ? value.ToUnixTimeMilliseconds() : "";

    private static DateTimeOffset? FromMillis(RedisValue value) =>
        value.TryParse(out long ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private static RedisValue Get(IReadOnlyDictionary<string, RedisValue> f, string name) => f.TryGetValue(name, out var v) ? v : RedisValue.Null;

    private static string? Text(RedisValue value) => value.IsNullOrEmpty ? null : (string)value!;

    private sealed record StoredEvent(string Type, JobEventData Data);
}
