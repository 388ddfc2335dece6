// diffusers' get_timesteps of the SD3 img2img and inpaint pipelines (pipeline_stable_diffusion_3_img2img.py).
namespace TeEFusion.Core.Sampling;

/// <summary>
/// Where an edit enters a schedule: `steps` builds the whole schedule, `strength` keeps its last steps. An edit runs
/// <c>steps − StartIndex</c> steps, each at the σ the full schedule has there, and starts from the image noised to σ at
/// <see cref="StartIndex"/>. Example: 8 steps at strength 0.6 start at index 3 and run 5 steps.
/// </summary>
public static class StrengthSchedule
{
    /// <summary>t_start = int(max(N − min(N · strength, N), 0)), in float64 as Python computes it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">strength is outside (0, 1], or leaves no step to run.</exception>
    public static int StartIndex(int steps, double strength)
    {
        if (!(strength > 0 && strength <= 1))
            throw new ArgumentOutOfRangeException(nameof(strength), strength, "Strength must be in (0, 1].");
        var initTimestep = Math.Min(steps * strength, steps);
        var start = (int)Math.Max(steps - initTimestep, 0);
        if (steps - start < 1)
            throw new ArgumentOutOfRangeException(nameof(strength), strength,
                $"Strength {strength} with {steps} steps leaves no step to run; raise the strength or the steps.");
        return start;
    }

    /// <summary>The steps an edit runs: the schedule from <paramref name="startIndex"/> on (its σ keep their terminal 0).</summary>
    public static SigmaSchedule Tail(SigmaSchedule schedule, int startIndex)
    {
        if (startIndex < 0 || startIndex >= schedule.NumSteps)
            throw new ArgumentOutOfRangeException(nameof(startIndex), startIndex, $"The schedule has {schedule.NumSteps} steps.");
        return new SigmaSchedule(schedule.Sigmas[startIndex..], schedule.Timesteps[startIndex..]);
    }
}
