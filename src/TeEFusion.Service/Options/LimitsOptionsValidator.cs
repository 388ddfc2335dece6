using Microsoft.Extensions.Options;

namespace TeEFusion.Service.Options;

/// <summary>The rules between Limits fields that attributes cannot state.</summary>
public sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions options)
    {
        var failures = new List<string>();
        if (!double.IsFinite(options.MinGuidance) || !double.IsFinite(options.MaxGuidance))
            failures.Add("Limits:MinGuidance and Limits:MaxGuidance must be finite numbers.");
        else if (options.MinGuidance > options.MaxGuidance)
            failures.Add($"Limits:MinGuidance ({options.MinGuidance}) must not exceed Limits:MaxGuidance ({options.MaxGuidance}).");
        foreach (var size in options.AllowedSizes)
        {
            if (!ImageSize.TryParse(size, out var parsed))
                failures.Add($"Limits:AllowedSizes entry '{size}' is not of the form WxH (e.g. 512x512).");
            else if (parsed.Width % LimitsOptions.SizeMultiple != 0 || parsed.Height % LimitsOptions.SizeMultiple != 0)
                failures.Add($"Limits:AllowedSizes entry '{size}' is not a multiple of {LimitsOptions.SizeMultiple} in both sides.");
            else if ((long)parsed.Width * parsed.Height > options.MaxPixels)
                failures.Add($"Limits:AllowedSizes entry '{size}' exceeds Limits:MaxPixels ({options.MaxPixels}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
