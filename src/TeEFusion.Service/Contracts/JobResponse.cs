using System.Text.Json.Serialization;
using TeEFusion.Service.Jobs;

namespace TeEFusion.Service.Contracts;

/// <summary>A job as GET /v1/jobs/{id} shows it.</summary>
public sealed record JobResponse
{
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("object")] public string Object => "job";

    /// <summary>queued, running, succeeded, failed or canceled.</summary>
    [JsonPropertyName("state")] public required JobState State { get; init; }

    [JsonPropertyName("model")] public required JobModel Model { get; init; }

    /// <summary>The request with every default filled in (the seed that was drawn included).</summary>
    [JsonPropertyName("input")] public required JobInput Input { get; init; }

    /// <summary>Jobs ahead of this one while it is queued (0 = next).</summary>
    [JsonPropertyName("queue_position"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? QueuePosition { get; init; }

    /// <summary>Denoising steps completed.</summary>
    [JsonPropertyName("step")] public int Step { get; init; }

    [JsonPropertyName("total_steps")] public int TotalSteps { get; init; }

    /// <summary>Seconds left at the pace seen so far; null before the first step and once finished.</summary>
    [JsonPropertyName("eta_seconds"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? EtaSeconds { get; init; }

    [JsonPropertyName("created_at")] public DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("started_at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? StartedAt { get; init; }

    [JsonPropertyName("finished_at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Milliseconds queued, then running (decode included); null for phases not reached.</summary>
    [JsonPropertyName("timings")] public required JobTimings Timings { get; init; }

    [JsonPropertyName("warnings")] public IReadOnlyList<string> Warnings { get; init; } = [];

    [JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JobError? Error { get; init; }

    /// <summary>Absolute links to the PNGs once the job succeeded.</summary>
    [JsonPropertyName("images")] public IReadOnlyList<string> Images { get; init; } = [];

    [JsonPropertyName("links")] public required JobLinks Links { get; init; }
}

public sealed record JobModel([property: JsonPropertyName("id")] string? Id, [property: JsonPropertyName("version")] string? Version);

public sealed record JobInput(
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("negative_prompt")] string NegativePrompt,
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("size")] string Size,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("steps")] int Steps,
    [property: JsonPropertyName("guidance_scale")] double GuidanceScale)
{
    /// <summary>The resolved request as the API spells it.</summary>
    public static JobInput Of(JobSpec spec)
    {
        var r = spec.Request;
        return new JobInput(r.Prompt, r.NegativePrompt, spec.ImageCount, $"{r.Width}x{r.Height}", r.Seed, r.Steps, r.Guidance);
    }
}

public sealed record JobTimings(
    [property: JsonPropertyName("queued_ms")] double? QueuedMs,
    [property: JsonPropertyName("running_ms")] double? RunningMs);

/// <summary>Why a job failed or was canceled; code is machine-readable (timeout, device_error, out_of_memory, circuit_open, canceled...).</summary>
public sealed record JobError([property: JsonPropertyName("code")] string Code, [property: JsonPropertyName("message")] string Message);

public sealed record JobLinks(
    [property: JsonPropertyName("self")] string Self,
    [property: JsonPropertyName("events")] string Events);
