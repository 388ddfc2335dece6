using System.Collections;
using System.Globalization;

namespace TeEFusion.Service.Telemetry;

/// <summary>
/// The state of a logging scope that says what the lines inside it are about (a job, an API key): name/value pairs, which
/// the JSON console formatter and structured sinks write as fields, and a ToString() of "JobId=job_…", which the simple
/// console formatter prints after "=>". A plain Dictionary would print its type name there.
/// </summary>
public sealed class LogScope(params KeyValuePair<string, object?>[] properties) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => properties.Length;

    public KeyValuePair<string, object?> this[int index] => properties[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)properties).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() =>
        string.Join(", ", properties.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value}")));
}
