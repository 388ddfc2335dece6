using System.ComponentModel.DataAnnotations;

namespace TeEFusion.Service.Options;

/// <summary>Distillation runs on the serving device (section "Distillation").</summary>
public sealed class DistillationOptions
{
    public const string Section = "Distillation";

    /// <summary>Folder that `prompts_file` paths are relative to; empty disables prompt files.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>Each run's checkpoints go under {CheckpointDirectory}/{run id}.</summary>
    [Required]
    public string CheckpointDirectory { get; set; } = "distillations";

    /// <summary>The most optimizer steps one run may ask for.</summary>
    [Range(1, 10_000_000)]
    public int MaxIterations { get; set; } = 100_000;

    /// <summary>The most training prompts one run may carry.</summary>
    [Range(1, 1_000_000)]
    public int MaxPrompts { get; set; } = 10_000;

    /// <summary>
    /// The bound on how long an inference job may wait for the device because of a run. The worker starts a training
    /// iteration only when no job is running or queued, so a job that arrives meanwhile waits for at most the rest of
    /// that one iteration; a run whose iterations take longer than this on average (after <see cref="BoundGraceIterations"/>
    /// iterations of warm-up) is failed with an error that says so, because serving comes first. 0 disables the check.
    /// </summary>
    [Range(0, 3_600_000)]
    public int MaxInferenceWaitMilliseconds { get; set; } = 30_000;

    /// <summary>Iterations a run may take before <see cref="MaxInferenceWaitMilliseconds"/> is checked (the first ones load and warm up).</summary>
    [Range(0, 1000)]
    public int BoundGraceIterations { get; set; } = 3;
}
