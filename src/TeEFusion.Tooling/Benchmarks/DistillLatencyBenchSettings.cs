using static TeEFusion.Tooling.Benchmarks.OptionErrors;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// What `teefusion bench distill-latency` runs against the real service (a child process on 127.0.0.1): the same
/// sequence of image requests without, then with, an active distillation run, and the service's configured bound on how
/// long an inference job may wait for training (Distillation:MaxInferenceWaitMilliseconds).
/// </summary>
public sealed record DistillLatencyBenchSettings : ServiceRequestBenchSettings
{
    /// <summary>Timed requests per phase (one client, one request at a time).</summary>
    public int Requests { get; init; } = 40;

    /// <summary>Untimed requests after the service start.</summary>
    public int Warmup { get; init; } = 2;

    /// <summary>
    /// Mean pause between a response and the next request (seeded, uniform in [0, 2·gap]), so that requests arrive at
    /// every point of a training iteration instead of right after a job, when the worker has not started one yet.
    /// </summary>
    public int GapMilliseconds { get; init; } = 150;

    /// <summary>Time limit of one phase.</summary>
    public int PhaseSeconds { get; init; } = 300;

    /// <summary>The run's teacher sampler (euler-cfg, z-sampling, w2sd).</summary>
    public string DistillSampler { get; init; } = "euler-cfg";

    /// <summary>The run's schedule steps (teacher rollout length).</summary>
    public int DistillSteps { get; init; } = 4;

    /// <summary>The run's trajectories per iteration.</summary>
    public int DistillBatch { get; init; } = 1;

    /// <summary>Distillation:MaxInferenceWaitMilliseconds of the service (0 disables the check).</summary>
    public int BoundMilliseconds { get; init; } = 30_000;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option, before anything is started or written.</summary>
    public void Validate()
    {
        ValidateServiceRequest();
        AtLeast("--requests", Requests, 1);
        AtLeast("--warmup", Warmup, 0);
        AtLeast("--gap-ms", GapMilliseconds, 0);
        AtLeast("--phase-seconds", PhaseSeconds, 1);
        AtLeast("--distill-steps", DistillSteps, 1);
        AtLeast("--distill-batch", DistillBatch, 1);
        AtLeast("--bound-ms", BoundMilliseconds, 0);
        if (DistillSampler is not ("euler-cfg" or "z-sampling" or "w2sd"))
            throw new ArgumentException($"--distill-sampler: '{DistillSampler}' is not a teacher sampler; expected euler-cfg, z-sampling or w2sd.");
    }
}
