using System.CommandLine;
using TeEFusion.Core.Distillation;

namespace TeEFusion.Cli.Commands;

/// <summary>`distill`'s options for the run's settings: one typed option per <see cref="DistillationKnobs"/> knob, with its default and help.</summary>
internal sealed class DistillKnobOptions
{
    private readonly Dictionary<DistillationKnob, (Option Option, Func<ParseResult, object?> Read)> _options =
        DistillationKnobs.All.ToDictionary(k => k, Create);

    public IEnumerable<Option> Options => _options.Values.Select(o => o.Option);

    /// <summary>The settings the command line gives.</summary>
    /// <exception cref="ArgumentException">A refused value; the message names its option.</exception>
    public DistillationRunSettings Resolve(ParseResult result) =>
        DistillationKnobs.Resolve(knob => _options[knob].Read(result), out var errors)
        ?? throw new ArgumentException(string.Join("; ", errors.Select(e => e.Knob is { } knob ? $"{knob.Option}: {e.Message}" : e.Message)));

    private static (Option, Func<ParseResult, object?>) Create(DistillationKnob knob) => knob.ValueType switch
    {
        var t when t == typeof(int) => Typed<int>(knob),
        var t when t == typeof(int?) => Typed<int?>(knob),
        var t when t == typeof(long) => Typed<long>(knob),
        var t when t == typeof(double) => Typed<double>(knob),
        var t when t == typeof(double?) => Typed<double?>(knob),
        var t when t == typeof(bool) => Typed<bool>(knob),
        var t when t == typeof(string) => Typed<string>(knob),
        var t => throw new NotSupportedException($"Knob {knob.Field} has type {t}, which `distill` has no option type for."),
    };

    private static (Option, Func<ParseResult, object?>) Typed<T>(DistillationKnob knob)
    {
        var option = new Option<T>(knob.Option) { Description = knob.Help };
        if (knob.Default is T value) option.DefaultValueFactory = _ => value;
        return (option, result => result.GetValue(option));
    }
}
