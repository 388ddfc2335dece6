namespace TeEFusion.Core.Distillation;

/// <summary>
/// One setting of a distillation run as both front ends spell it: the admin API's JSON field and the CLI's option.
/// </summary>
/// <param name="Field">The JSON field of POST /admin/distillations (snake_case).</param>
/// <param name="Option">The option of `teefusion distill`.</param>
/// <param name="Parameter">The name <see cref="DistillationRunSettings.Validate"/> gives as ParamName when the value is wrong.</param>
/// <param name="ValueType">The value's type (a nullable one where unset means "none" rather than a number).</param>
/// <param name="Help">One line for the CLI's help.</param>
/// <param name="Read">The value in given settings (the default, read off the defaults).</param>
/// <param name="Apply">Settings with a (non-null) value set; throws <see cref="ArgumentException"/> for a value it cannot parse.</param>
public sealed record DistillationKnob(string Field, string Option, string Parameter, Type ValueType, string Help,
    Func<DistillationRunSettings, object?> Read, Func<DistillationRunSettings, object, DistillationRunSettings> Apply)
{
    /// <summary>The value when none is given.</summary>
    public object? Default => Read(DistillationKnobs.Defaults);
}

/// <summary>A value that was refused: the knob it was given for (null when the check spans knobs no front end names) and why.</summary>
/// <param name="Knob">The knob, or null.</param>
/// <param name="Parameter">The settings' own name of the offending value.</param>
/// <param name="Message">What is wrong.</param>
public sealed record DistillationKnobError(DistillationKnob? Knob, string? Parameter, string Message);
