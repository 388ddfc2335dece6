using System.Text.Json.Serialization;
using TeEFusion.Core.Imaging;
using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Webhooks;

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

    /// <summary>Absolute links to the image files (in the input's output_format) once the job succeeded.</summary>
    [JsonPropertyName("images")] public IReadOnlyList<string> Images { get; init; } = [];

    [JsonPropertyName("links")] public required JobLinks Links { get; init; }

    /// <summary>The job's webhook (url, events) and what its deliveries did; absent when the job has none.</summary>
    [JsonPropertyName("webhook"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JobWebhookStatus? Webhook { get; init; }
}

public sealed record JobModel([property: JsonPropertyName("id")] string? Id, [property: JsonPropertyName("version")] string? Version);

public sealed record JobInput(
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("negative_prompt")] string NegativePrompt,
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("size")] string Size,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("steps")] int Steps,
    [property: JsonPropertyName("guidance_scale")] double GuidanceScale,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("sampler")] string Sampler)
{
    /// <summary>z-sampling's γ2; absent for other samplers.</summary>
    [JsonPropertyName("inversion_guidance"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? InversionGuidance { get; init; }

    /// <summary>z-sampling's λ; absent for other samplers and for the default (every step but the last).</summary>
    [JsonPropertyName("lambda_step"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? LambdaStep { get; init; }

    /// <summary>z-sampling's rounds; absent for other samplers.</summary>
    [JsonPropertyName("rounds"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Rounds { get; init; }

    /// <summary>w2sd's strong guidance; absent for other samplers and when it is the request's guidance_scale.</summary>
    [JsonPropertyName("strong_guidance"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? StrongGuidance { get; init; }

    /// <summary>w2sd's weak guidance; absent for other samplers.</summary>
    [JsonPropertyName("weak_guidance"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? WeakGuidance { get; init; }

    /// <summary>png, jpeg or webp: the format of every image file.</summary>
    [JsonPropertyName("output_format")]
    public string OutputFormat { get; init; } = "png";

    /// <summary>The jpeg or webp encoder's quality (0–100); absent for png.</summary>
    [JsonPropertyName("output_compression"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? OutputCompression { get; init; }

    /// <summary>What makes the job an image edit (never the files themselves); absent for a generation.</summary>
    [JsonPropertyName("edit"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JobEditInput? Edit { get; init; }

    /// <summary>The resolved request as the API spells it.</summary>
    public static JobInput Of(JobSpec spec)
    {
        var r = spec.Request;
        var s = r.Sampler;
        var zigzag = s.Kind == SamplerKind.ZSampling;
        var pair = s.Kind == SamplerKind.W2sd ? s.ResolvedW2sdPair : null;
        return new JobInput(r.Prompt, r.NegativePrompt, spec.ImageCount, $"{r.Width}x{r.Height}", r.Seed, r.Steps, r.Guidance, spec.Model, s.Name)
        {
            InversionGuidance = zigzag ? s.InversionGuidance : null,
            LambdaStep = zigzag ? s.LambdaStep : null,
            Rounds = zigzag ? s.Rounds : null,
            StrongGuidance = pair?.Strong.Guidance,
            WeakGuidance = pair?.Weak.Guidance,
            OutputFormat = spec.Output.Format.Name(),
            OutputCompression = spec.Output.Format == ImageFormat.Png ? null : spec.Output.Quality,
            Edit = spec.Edit is { } edit ? JobEditInput.Of(edit, spec) : null,
        };
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
