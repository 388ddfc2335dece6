using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Tests.Worker;

/// <summary>How groups share the device by work, as groups come and go.</summary>
public sealed class DeviceSharesTests
{
    [Fact]
    public void The_least_served_group_goes_next_and_equal_work_goes_to_the_longest_waiting()
    {
        var shares = new DeviceShares<string>();
        Assert.Equal("b", shares.Next([("a", 5L), ("b", 2L), ("a", 3L), ("c", 4L)]));
        shares.Charge("b", 10);
        Assert.Equal("a", shares.Next([("a", 5L), ("b", 6L), ("a", 3L), ("c", 4L)]));
    }

    [Fact]
    public void A_tracked_group_that_has_not_run_is_level_with_the_least_served_and_one_that_left_is_forgotten()
    {
        var shares = new DeviceShares<string>();
        shares.Track(["student", "teacher"]);
        shares.Charge("teacher", 8);
        shares.Charge("student", 3);
        // The queued model joins level with the least-served (3), so it ties the student and goes first by waiting longer.
        shares.Track(["student", "teacher", "queued"]);
        Assert.Equal(3, shares.Work["queued"]);
        Assert.Equal("queued", shares.Least(new Dictionary<string, long> { ["queued"] = 1, ["student"] = 2, ["teacher"] = 0 }));
        Assert.Equal("student", shares.Least(new Dictionary<string, long> { ["student"] = 2, ["teacher"] = 0 }));
        shares.Track(["teacher"]);
        Assert.Equal(["teacher"], shares.Work.Keys);
    }

    [Fact]
    public void A_group_that_comes_back_gets_back_what_the_others_did_meanwhile_up_to_one_step_and_never_more()
    {
        var shares = new DeviceShares<string>();
        shares.Track(["student", "teacher"]);
        shares.Charge("student", 1);
        shares.Charge("teacher", 2);                 // the largest step so far: 2
        shares.Charge("student", 1);                  // student 2, teacher 2

        // The student's client is between two requests: the teacher steps alone once, then the student's next job arrives.
        shares.Track(["teacher"]);
        shares.Charge("teacher", 2);                  // teacher 4
        shares.Track(["student", "teacher"]);
        Assert.Equal(2, shares.Work["student"]);      // it did not lose its share of the gap: it steps twice before the teacher

        // Away for longer than one step of the others' work: it comes back one step below them, not further.
        shares.Track(["teacher"]);
        for (var i = 0; i < 5; i++) shares.Charge("teacher", 2);   // teacher 14
        shares.Track(["student", "teacher"]);
        Assert.Equal(12, shares.Work["student"]);

        // A group that left ahead comes back level, not ahead; a new group joins level.
        shares.Charge("student", 6);                  // student 18, teacher 14
        shares.Track(["teacher"]);
        shares.Track(["student", "teacher", "new"]);
        Assert.Equal(14, shares.Work["student"]);
        Assert.Equal(14, shares.Work["new"]);
    }

    [Fact]
    public void Nothing_running_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => new DeviceShares<string>().Next([]));
    }

    [Fact]
    public void A_student_step_costing_half_a_cfg_step_steps_twice_as_often_and_no_group_lags_by_more_than_one_step()
    {
        var cost = new Dictionary<string, long> { ["student"] = 1, ["cfg"] = 2, ["z-sampling"] = 6 };
        var order = Simulate(cost, new Dictionary<string, (long Joins, int Steps)>
        {
            ["student"] = (0, 12), ["cfg"] = (0, 6), ["z-sampling"] = (0, 2),
        }, out var maxLag);

        // When the CFG group starts its 6th step (10 units done), the student group has done about twice its 5 steps.
        var cfgDone = order.Select((g, i) => (g, i)).Where(x => x.g == "cfg").ElementAt(5).i;
        Assert.InRange(order.Take(cfgDone).Count(g => g == "student"), 10, 12);
        Assert.True(maxLag <= cost.Values.Max(), $"a group lagged by {maxLag}");
    }

    [Fact]
    public void A_group_that_joins_late_starts_level_with_the_others_instead_of_taking_the_device_until_it_caught_up()
    {
        var cost = new Dictionary<string, long> { ["a"] = 1, ["b"] = 1, ["late"] = 1 };
        var order = Simulate(cost, new Dictionary<string, (long Joins, int Steps)>
        {
            ["a"] = (0, 10), ["b"] = (0, 10), ["late"] = (10, 4),
        }, out _);

        // Once "late" has joined, no group steps twice while another waits.
        var joined = order.IndexOf("late");
        var after = order.Skip(joined).Take(9).ToList();
        Assert.Equal(3, after.Count(g => g == "late"));
        Assert.Equal(3, after.Count(g => g == "a"));
        Assert.Equal(3, after.Count(g => g == "b"));
    }

    [Fact]
    public void A_group_that_ends_makes_no_other_group_skip_its_turn()
    {
        var cost = new Dictionary<string, long> { ["a"] = 1, ["b"] = 1, ["c"] = 1 };
        var order = Simulate(cost, new Dictionary<string, (long Joins, int Steps)> { ["a"] = (0, 3), ["b"] = (0, 1), ["c"] = (0, 3) }, out _);

        Assert.Equal(["a", "b", "c", "a", "c", "a", "c"], order);
    }

    // Steps groups (each step costs cost[group]) from tick 0 until every group has done its steps; returns the order and the
    // largest gap, before any step, between the most and least served active groups.
    private static List<string> Simulate(IReadOnlyDictionary<string, long> cost, IReadOnlyDictionary<string, (long Joins, int Steps)> plan,
        out long maxLag)
    {
        var shares = new DeviceShares<string>();
        var left = new Dictionary<string, int>();
        var waiting = new Dictionary<string, long>();
        var order = new List<string>();
        maxLag = 0;
        for (long tick = 0; left.Count > 0 || plan.Values.Any(p => p.Joins >= tick); tick++)
        {
            foreach (var (group, (joins, steps)) in plan.Where(p => p.Value.Joins == tick))
            {
                left[group] = steps;
                waiting[group] = tick;
            }
            if (left.Count == 0) continue;
            var next = shares.Next(waiting.Select(w => (w.Key, w.Value)).ToList());
            maxLag = Math.Max(maxLag, shares.Work.Values.Max() - shares.Work.Values.Min());
            order.Add(next);
            shares.Charge(next, cost[next]);
            waiting[next] = tick;
            if (--left[next] == 0)
            {
                left.Remove(next);
                waiting.Remove(next);
            }
        }
        return order;
    }
}
