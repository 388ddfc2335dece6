namespace TeEFusion.Service.Worker;

/// <summary>
/// Which group of running jobs steps next: the one whose job has waited longest (since its group's last step, or since it
/// was admitted). Groups thus take turns in the order they have waited, so however groups come and go none steps twice
/// while another waits, and a new group joins the back of the line. (An index turning over the list of groups does not
/// keep this: when a group ends, the groups behind it move up and one of them can be skipped.)
/// </summary>
public static class StepTurns
{
    /// <param name="runs">Each running job's group and the tick since which it has waited.</param>
    public static TGroup Next<TGroup>(IEnumerable<(TGroup Group, long WaitingSince)> runs) =>
        runs.GroupBy(r => r.Group).MinBy(g => g.Min(r => r.WaitingSince)) is { } next
            ? next.Key
            : throw new ArgumentException("No job is running.", nameof(runs));
}
