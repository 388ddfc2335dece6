using System.Globalization;
using System.Text.RegularExpressions;

namespace TeEFusion.Service.Tests.Observability;

/// <summary>
/// One scrape of /metrics in the Prometheus text format, as the series names a query can select: a gauge's or a
/// counter's family name (the exporter's, _total included), and a histogram's family with _bucket, _sum and _count
/// (the family name alone selects nothing). Only families with at least one sample count: a metric that was declared
/// but never recorded cannot be shown either.
/// </summary>
public sealed partial class MetricsScrape
{
    /// <summary>The series a histogram family exports.</summary>
    public static readonly string[] HistogramSuffixes = ["_bucket", "_sum", "_count"];

    private readonly IReadOnlyList<(string Name, Dictionary<string, string> Labels, double Value)> _samples;

    private MetricsScrape(IReadOnlyDictionary<string, string> families, IReadOnlySet<string> series,
        IReadOnlyList<(string, Dictionary<string, string>, double)> samples)
    {
        Families = families;
        SeriesNames = series;
        _samples = samples;
    }

    /// <summary>Each family's type (gauge, counter, histogram), by name, from the # TYPE lines.</summary>
    public IReadOnlyDictionary<string, string> Families { get; }

    /// <summary>Every name a PromQL selector can use that has samples in this scrape.</summary>
    public IReadOnlySet<string> SeriesNames { get; }

    public static MetricsScrape Parse(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var families = lines.Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).ToDictionary(parts => parts[2], parts => parts[3]);
        var samples = lines.Where(l => !l.StartsWith('#')).Select(ParseSample).ToList();
        var sampled = samples.Select(s => s.Name).ToHashSet();
        var series = new HashSet<string>();
        foreach (var (family, type) in families)
        {
            var names = type == "histogram" ? HistogramSuffixes.Select(suffix => family + suffix) : [family];
            series.UnionWith(names.Where(sampled.Contains));
        }
        return new MetricsScrape(families, series, samples);
    }

    /// <summary>The sum of the samples named <paramref name="name"/> that carry <paramref name="labels"/>; null when there are none.</summary>
    public double? Value(string name, params (string Label, string Value)[] labels)
    {
        var matching = _samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value)).ToList();
        return matching.Count == 0 ? null : matching.Sum(s => s.Value);
    }

    // name{label="value",…} value — the exporter writes no timestamps.
    private static (string Name, Dictionary<string, string> Labels, double Value) ParseSample(string line)
    {
        var nameEnd = line.IndexOfAny(['{', ' ']);
        var labelsEnd = line[nameEnd] == '{' ? line.LastIndexOf('}') + 1 : nameEnd;
        var labels = LabelPair().Matches(line[nameEnd..labelsEnd]).ToDictionary(m => m.Groups[1].Value, m => Regex.Unescape(m.Groups[2].Value));
        var value = line[labelsEnd..].Trim() switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            var text => double.Parse(text, CultureInfo.InvariantCulture),
        };
        return (line[..nameEnd], labels, value);
    }

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex LabelPair();

    /// <summary>The names in <paramref name="names"/> that select no series of this scrape.</summary>
    public IReadOnlyList<string> Missing(IEnumerable<string> names) => names.Where(n => !SeriesNames.Contains(n)).Distinct().Order().ToList();
}
