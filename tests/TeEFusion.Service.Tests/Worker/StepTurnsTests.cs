using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Tests.Worker;

/// <summary>Which group steps next, and the fairness that follows from it as groups come and go.</summary>
public sealed class StepTurnsTests
{
    [Fact]
    public void The_group_whose_job_waited_longest_goes_next()
    {
        Assert.Equal("b", StepTurns.Next([("a", 5L), ("b", 2L), ("a", 3L), ("c", 4L)]));
    }

    [Fact]
    public void Nothing_running_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => StepTurns.Next(Array.Empty<(string, long)>()));
    }

    [Fact]
    public void As_groups_end_and_join_none_steps_twice_while_another_waits()
    {
        // Steps left per group; a group joins at the tick given, and waits from then.
        var left = new Dictionary<string, int> { ["a"] = 3, ["b"] = 1, ["c"] = 4 };
        var waiting = new Dictionary<string, long> { ["a"] = 0, ["b"] = 1, ["c"] = 2 };
        var joins = new Dictionary<long, (string Group, int Steps)> { [4] = ("d", 3) };
        var order = new List<string>();
        for (long tick = 3; left.Count > 0; tick++)
        {
            if (joins.TryGetValue(tick, out var join))
            {
                left[join.Group] = join.Steps;
                waiting[join.Group] = tick;
            }
            var next = StepTurns.Next(waiting.Select(w => (w.Key, w.Value)));
            order.Add(next);
            waiting[next] = tick;
            if (--left[next] == 0)
            {
                left.Remove(next);
                waiting.Remove(next);
            }
        }

        // b ends after its first step; the old index-over-a-list turn would then have skipped c.
        Assert.Equal(["a", "b", "c", "a", "d", "c", "a", "d", "c", "d", "c"], order);
        for (var i = 0; i < order.Count; i++)
        {
            var next = order.IndexOf(order[i], i + 1);
            if (next < 0) continue;
            var between = order.Skip(i + 1).Take(next - i - 1).ToList();
            Assert.Equal(between.Count, between.Distinct().Count());
        }
    }
}
