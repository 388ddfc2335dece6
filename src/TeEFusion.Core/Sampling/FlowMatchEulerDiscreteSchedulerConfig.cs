// Mirrors the config of diffusers' FlowMatchEulerDiscreteScheduler (schedulers/scheduling_flow_match_euler_discrete.py).
using System.Text.Json.Serialization;
using TeEFusion.Core.IO;

namespace TeEFusion.Core.Sampling;

/// <summary>`scheduler/scheduler_config.json`; property defaults are diffusers' defaults.</summary>
public sealed class FlowMatchEulerDiscreteSchedulerConfig : IValidatedConfig
{
    [JsonPropertyName("_class_name")] public string? ClassName { get; set; } = "FlowMatchEulerDiscreteScheduler";
    [JsonPropertyName("_diffusers_version")] public string? DiffusersVersion { get; set; }
    [JsonPropertyName("num_train_timesteps")] public int NumTrainTimesteps { get; set; } = 1000;
    [JsonPropertyName("shift")] public double Shift { get; set; } = 1.0;
    [JsonPropertyName("use_dynamic_shifting")] public bool UseDynamicShifting { get; set; }
    [JsonPropertyName("base_shift")] public double? BaseShift { get; set; } = 0.5;
    [JsonPropertyName("max_shift")] public double? MaxShift { get; set; } = 1.15;
    [JsonPropertyName("base_image_seq_len")] public int? BaseImageSeqLen { get; set; } = 256;
    [JsonPropertyName("max_image_seq_len")] public int? MaxImageSeqLen { get; set; } = 4096;
    [JsonPropertyName("invert_sigmas")] public bool InvertSigmas { get; set; }
    [JsonPropertyName("shift_terminal")] public double? ShiftTerminal { get; set; }
    [JsonPropertyName("use_karras_sigmas")] public bool UseKarrasSigmas { get; set; }
    [JsonPropertyName("use_exponential_sigmas")] public bool UseExponentialSigmas { get; set; }
    [JsonPropertyName("use_beta_sigmas")] public bool UseBetaSigmas { get; set; }
    [JsonPropertyName("time_shift_type")] public string TimeShiftType { get; set; } = "exponential";
    [JsonPropertyName("stochastic_sampling")] public bool StochasticSampling { get; set; }

    /// <summary>Reads and validates a scheduler config; a field this implementation does not support is refused by name.</summary>
    public static FlowMatchEulerDiscreteSchedulerConfig Load(string path) => ConfigJson.LoadValidated<FlowMatchEulerDiscreteSchedulerConfig>(path);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that is out of range or not implemented.</summary>
    public void Validate()
    {
        if (ClassName is not null && ClassName != "FlowMatchEulerDiscreteScheduler")
            Refuse("_class_name", $"is '{ClassName}'; only FlowMatchEulerDiscreteScheduler is implemented");
        if (NumTrainTimesteps < 2) Refuse("num_train_timesteps", $"is {NumTrainTimesteps}; it must be at least 2");
        if (!(Shift > 0) || double.IsInfinity(Shift)) Refuse("shift", $"is {Shift}; it must be a positive finite number");
        if (UseKarrasSigmas) Refuse("use_karras_sigmas", "is true; Karras sigmas are not implemented");
        if (UseExponentialSigmas) Refuse("use_exponential_sigmas", "is true; exponential sigmas are not implemented");
        if (UseBetaSigmas) Refuse("use_beta_sigmas", "is true; beta sigmas are not implemented");
        if (InvertSigmas) Refuse("invert_sigmas", "is true; inverted sigmas (Mochi) are not implemented");
        if (StochasticSampling) Refuse("stochastic_sampling", "is true; only the deterministic Euler step is implemented");
        if (TimeShiftType is not ("exponential" or "linear"))
            Refuse("time_shift_type", $"is '{TimeShiftType}'; expected 'exponential' or 'linear'");
        if (ShiftTerminal is { } terminal && !(terminal is > 0 and < 1))
            Refuse("shift_terminal", $"is {terminal}; it must lie in (0, 1)");
        if (UseDynamicShifting)
        {
            if (BaseShift is null) Refuse("base_shift", "is null but use_dynamic_shifting is true");
            if (MaxShift is null) Refuse("max_shift", "is null but use_dynamic_shifting is true");
            if (BaseImageSeqLen is null) Refuse("base_image_seq_len", "is null but use_dynamic_shifting is true");
            if (MaxImageSeqLen is null) Refuse("max_image_seq_len", "is null but use_dynamic_shifting is true");
            if (MaxImageSeqLen == BaseImageSeqLen)
                Refuse("max_image_seq_len", "equals base_image_seq_len, so mu cannot be interpolated");
        }
    }

    /// <summary>
    /// The resolution-dependent mu of diffusers' `calculate_shift` (linear in the number of image tokens),
    /// for configs with use_dynamic_shifting.
    /// </summary>
    public double CalculateShift(int imageSeqLen)
    {
        if (!UseDynamicShifting)
            throw new InvalidOperationException("calculate_shift applies only when use_dynamic_shifting is true.");
        var m = (MaxShift!.Value - BaseShift!.Value) / (MaxImageSeqLen!.Value - BaseImageSeqLen!.Value);
        var b = BaseShift.Value - m * BaseImageSeqLen.Value;
        return imageSeqLen * m + b;
    }

    private static void Refuse(string field, string problem) =>
        throw new ArgumentException($"scheduler config field '{field}' {problem}.", field);
}
