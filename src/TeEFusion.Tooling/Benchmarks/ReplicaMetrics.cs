using System.Globalization;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// What the fleet bench reads from one replica's Prometheus endpoint (/metrics): the sum and count of
/// teefusion_worker_batch_size (rows of each batched step), whose differences over a cell give the mean batch.
/// </summary>
public sealed record ReplicaMetrics(double BatchRowsSum, double Steps)
{
    private const string BatchSize = "teefusion_worker_batch_size";

    public static ReplicaMetrics operator -(ReplicaMetrics after, ReplicaMetrics before) =>
        new(after.BatchRowsSum - before.BatchRowsSum, after.Steps - before.Steps);

    public static ReplicaMetrics operator +(ReplicaMetrics a, ReplicaMetrics b) => new(a.BatchRowsSum + b.BatchRowsSum, a.Steps + b.Steps);

    public static ReplicaMetrics Zero { get; } = new(0, 0);

    /// <summary>Sums the series of every label set (model, sampler) in Prometheus text.</summary>
    public static ReplicaMetrics Parse(string prometheus)
    {
        double Sum(string name) => prometheus.Split('\n', StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))
            .Sum(Value);
        return new(Sum(BatchSize + "_sum"), Sum(BatchSize + "_count"));
    }

    // `name{labels} value [timestamp]`: the value is the first field after the name and its labels.
    private static double Value(string line)
    {
        var rest = line.Contains('}', StringComparison.Ordinal) ? line[(line.LastIndexOf('}') + 1)..] : line[line.IndexOf(' ', StringComparison.Ordinal)..];
        return double.Parse(rest.Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    public static async Task<ReplicaMetrics> ReadAsync(HttpClient client, Uri replica, CancellationToken cancel) =>
        Parse(await client.GetStringAsync(new Uri(replica, "/metrics"), cancel));
}
