using System.Globalization;
using TeEFusion.Core.Distillation;

namespace TeEFusion.Tests.Shared;

/// <summary>A valid value other than the default for every <see cref="DistillationKnobs"/> knob, keyed by its JSON field.</summary>
public static class DistillationKnobSamples
{
    public static IReadOnlyDictionary<string, object> ByField { get; } = new Dictionary<string, object>
    {
        ["sampler"] = "z-sampling", ["inversion_guidance"] = 0.5, ["lambda_step"] = 3, ["rounds"] = 2, ["steps"] = 12,
        ["steps_per_trajectory"] = 4, ["g_min"] = 2.5, ["g_max"] = 6.5, ["lr"] = 3e-4, ["weight_decay"] = 0.01, ["warmup_steps"] = 7,
        ["grad_clip_norm"] = 0.5, ["iterations"] = 9, ["batch_size"] = 3, ["checkpoint_interval"] = 4, ["seed"] = 11L,
        ["ema_decay"] = 0.99, ["compute_dtype"] = "bfloat16", ["activation_checkpointing"] = true, ["eval_interval"] = 5,
    };

    /// <summary>The sample of <paramref name="knob"/> as typed on a command line.</summary>
    public static string CommandLine(DistillationKnob knob) =>
        Convert.ToString(ByField[knob.Field], CultureInfo.InvariantCulture)!.ToLowerInvariant();
}
