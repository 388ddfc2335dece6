using System.Diagnostics;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// An open-loop load: requests arrive as a Poisson process at a fixed rate, each sent without waiting for the others (as
/// independent users behind a load balancer send them), so a saturated fleet shows as a growing backlog rather than as
/// clients slowing down. Request k goes to replica k mod n (<see cref="ServiceLoad"/>), round robin.
/// </summary>
internal static class OpenLoopLoad
{
    /// <summary>
    /// Sends the arrivals of <paramref name="arrivals"/> at <paramref name="perSecond"/>, calls <paramref name="arrivalsEnded"/>
    /// (the load is still saturating then), then waits for every answer (each at most <paramref name="limit"/>);
    /// <see cref="LoadRun.Seconds"/> runs from the first arrival to the last answer.
    /// </summary>
    public static async Task<LoadRun> RunAsync(ServiceLoad load, double perSecond, TimeSpan arrivals, TimeSpan limit, long firstSeed, int randomSeed,
        Func<Task> arrivalsEnded, CancellationToken cancel)
    {
        var random = new Random(randomSeed);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(arrivals + limit);
        var sent = new List<Task<(double? Ms, string? Failure)>>();
        var clock = Stopwatch.StartNew();
        var at = TimeSpan.Zero;
        for (var k = 0; ; k++)
        {
            // Exponential gaps between arrivals: a Poisson process.
            at += TimeSpan.FromSeconds(-Math.Log(1 - random.NextDouble()) / perSecond);
            if (at >= arrivals) break;
            if (at - clock.Elapsed is { } wait && wait > TimeSpan.Zero) await Task.Delay(wait, cancel);
            var index = k;
            sent.Add(Task.Run(() => load.TrySendAsync(index, firstSeed + index, limit, deadline.Token), CancellationToken.None));
        }
        await arrivalsEnded();
        var answers = await Task.WhenAll(sent);
        cancel.ThrowIfCancellationRequested();
        var seconds = clock.Elapsed.TotalSeconds;
        var latencies = answers.Where(a => a.Ms is not null).Select(a => a.Ms!.Value).Order().ToList();
        var failures = answers.Where(a => a.Ms is null).Select(a => a.Failure!).ToList();
        return new LoadRun(answers.Length, latencies.Count, failures.Count, seconds, latencies, failures.FirstOrDefault());
    }
}
