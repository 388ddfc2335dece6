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
}
