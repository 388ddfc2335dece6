using TeEFusion.Core.RandomModels;
using static TeEFusion.Bench.OptionErrors;

namespace TeEFusion.Bench;

/// <summary>
/// What `teefusion bench distill-latency` runs against the real service (a child process on 127.0.0.1): the same
/// sequence of image requests without, then with, an active distillation run, and the service's configured bound on how
/// long an inference job may wait for training (Distillation:MaxInferenceWaitMilliseconds).
/// </summary>
public sealed record DistillLatencyBenchSettings
{
    public string Preset { get; init; } = "tiny";
    public int Width { get; init; } = 64;
    public int Height { get; init; } = 64;
    public int Steps { get; init; } = 4;
    public double Guidance { get; init; } = 5.0;
    public long Seed { get; init; }
    public string Prompt { get; init; } = "a photograph of an astronaut riding a horse on the moon";

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

    public int StartSeconds { get; init; } = 120;

    /// <summary>TeEFusion.Service.dll to run; null means the one built next to this repository's bench project.</summary>
    public string? ServiceDll { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the option, before anything is started or written.</summary>
    public void Validate()
    {
        if (!RandomModelPresets.TryParse(Preset, out _))
            throw new ArgumentException($"--preset: unknown preset '{Preset}'; expected one of {string.Join(", ", RandomModelPresets.Names)}.");
        AtLeast("--size (width)", Width, 16);
        AtLeast("--size (height)", Height, 16);
        AtLeast("--steps", Steps, 1);
        AtLeast("--requests", Requests, 1);
        AtLeast("--warmup", Warmup, 0);
        AtLeast("--gap-ms", GapMilliseconds, 0);
        AtLeast("--phase-seconds", PhaseSeconds, 1);
        AtLeast("--distill-steps", DistillSteps, 1);
        AtLeast("--distill-batch", DistillBatch, 1);
        AtLeast("--bound-ms", BoundMilliseconds, 0);
        AtLeast("--start-seconds", StartSeconds, 1);
        if (DistillSampler is not ("euler-cfg" or "z-sampling" or "w2sd"))
            throw new ArgumentException($"--distill-sampler: '{DistillSampler}' is not a teacher sampler; expected euler-cfg, z-sampling or w2sd.");
        if (Seed < 0) throw new ArgumentException($"--seed {Seed} must be non-negative.");
        if (!double.IsFinite(Guidance)) throw new ArgumentException($"--guidance {Guidance} must be a finite number.");
        if (ServiceDll is not null && !File.Exists(ServiceDll)) throw new ArgumentException($"--service-dll: '{ServiceDll}' does not exist.");
    }
}
