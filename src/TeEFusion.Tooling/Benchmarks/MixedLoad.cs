using System.Diagnostics;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// Closed loops on several loads at once (one per served model), <c>concurrency</c> workers each, measured over one window
/// that closes when every load has <c>count</c> answers, or at the time limit. Only the requests answered inside the window
/// count, so each of them ran while every load's workers were sending: the faster model keeps the slower one company to
/// the end, and no load's last requests run with the others gone. The requests still in flight when the window closes are
/// answered (the service is idle before the next cell) but not counted.
/// </summary>
internal static class MixedLoad
{
    /// <summary>Runs the loops; request k of each load uses seed <paramref name="firstSeed"/> + k. Every run's seconds are the window's.</summary>
    public static async Task<IReadOnlyList<LoadRun>> RunAsync(IReadOnlyList<ServiceLoad> loads, int count, int concurrency, TimeSpan limit, long firstSeed,
        CancellationToken cancel = default)
    {
        var latencies = loads.Select(_ => new List<double>()).ToArray();
        var failures = loads.Select(_ => new List<string>()).ToArray();
        var next = loads.Select(_ => -1).ToArray();
        var gate = new Lock();
        double? closedAt = null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(limit);
        var clock = Stopwatch.StartNew();
        async Task Worker(int i)
        {
            while (!deadline.IsCancellationRequested)
            {
                var k = Interlocked.Increment(ref next[i]);
                var (ms, failure) = await loads[i].TrySendAsync(k, firstSeed + k, limit, deadline.Token);
                lock (gate)
                {
                    if (closedAt is not null) return;
                    if (ms is { } latency) latencies[i].Add(latency);
                    else failures[i].Add(failure!);
                    if (Enumerable.Range(0, loads.Count).All(j => latencies[j].Count + failures[j].Count >= count))
                    {
                        closedAt = clock.Elapsed.TotalSeconds;
                        return;
                    }
                }
            }
        }
        await Task.WhenAll(loads.SelectMany((_, i) => Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => Worker(i)))));
        cancel.ThrowIfCancellationRequested();
        var seconds = closedAt ?? clock.Elapsed.TotalSeconds;
        return loads.Select((_, i) => new LoadRun(latencies[i].Count + failures[i].Count, latencies[i].Count, failures[i].Count, seconds,
            latencies[i].Order().ToArray(), failures[i].FirstOrDefault())).ToList();
    }
}
