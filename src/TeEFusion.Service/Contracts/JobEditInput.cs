using System.Text.Json.Serialization;
using TeEFusion.Service.Jobs;

namespace TeEFusion.Service.Contracts;

/// <summary>An edit job's input as the job JSON shows it: the strength, whether it inpaints, the uploaded image's size and the steps that run.</summary>
public sealed record JobEditInput(
    [property: JsonPropertyName("strength")] double Strength,
    [property: JsonPropertyName("has_mask")] bool HasMask,
    [property: JsonPropertyName("image_size")] string ImageSize,
    [property: JsonPropertyName("steps_run")] int StepsRun)
{
    public static JobEditInput Of(JobEdit edit, JobSpec spec) =>
        new(edit.Strength, edit.HasMask, $"{edit.ImageWidth}x{edit.ImageHeight}", spec.RunSteps);
}
