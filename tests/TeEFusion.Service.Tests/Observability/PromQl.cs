using System.Text.RegularExpressions;

namespace TeEFusion.Service.Tests.Observability;

/// <summary>
/// The metric names a PromQL expression reads: what is left once label matchers, string literals, range selectors and
/// grouping clauses are taken out, less function and aggregation names (followed by "("), keywords and numbers. Enough
/// PromQL for the dashboard's and the rules' queries; it does not parse the language.
/// </summary>
public static partial class PromQl
{
    private static readonly HashSet<string> Keywords =
        ["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan"];

    public static IReadOnlySet<string> MetricNames(string expression)
    {
        var text = StringLiteral().Replace(expression, "\"\"");   // "$model", "5..": label values, not names
        text = LabelMatchers().Replace(text, " ");                 // {model=~"…"}
        text = RangeSelector().Replace(text, " ");                 // [5m], [$__rate_interval]
        text = Grouping().Replace(text, " ");                      // by (le, model), on(), group_left()
        return Identifier().Matches(text).Select(m => m.Value).Where(name => !Keywords.Contains(name.ToLowerInvariant())).ToHashSet();
    }

    /// <summary>The metric in a Grafana template query such as label_values(teefusion_model_ready, model).</summary>
    public static string? LabelValuesMetric(string query) => LabelValues().Match(query) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangeSelector();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    // A name not followed by "(" (a function or an aggregation) and not part of a number (0.95, 1e3).
    [GeneratedRegex(@"(?<![\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,")]
    private static partial Regex LabelValues();
}
