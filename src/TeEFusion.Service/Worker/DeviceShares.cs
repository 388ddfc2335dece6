namespace TeEFusion.Service.Worker;

/// <summary>
/// Which group of running jobs steps next, so that groups (model × sampler × size) share the device by the work they get,
/// not by turns: each group's work done so far is counted in model passes × latent pixels, and the group with the least
/// steps next. A student step (one pass per row) thus costs half a CFG step and a sixth of a reflective one, and under
/// load on both a student's request takes about half the time of its teacher's; no active group lags another by more than
/// one step of work. A group that joins starts level with the least-served active group (not at zero, which would let it
/// take the device until it caught up); ties go to the group whose job has waited longest, so equal work takes turns.
/// </summary>
public sealed class DeviceShares<TGroup> where TGroup : notnull
{
    private readonly Dictionary<TGroup, long> _work = [];

    /// <summary>Work done per active group since it joined (its joining level included).</summary>
    public IReadOnlyDictionary<TGroup, long> Work => _work;

    /// <summary>The group to step next; groups no longer active are forgotten and new ones join.</summary>
    /// <param name="runs">Each running job's group and the tick since which it has waited (its group's last step, or its admission).</param>
    public TGroup Next(IReadOnlyCollection<(TGroup Group, long WaitingSince)> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("No job is running.", nameof(runs));
        var waited = runs.GroupBy(r => r.Group).ToDictionary(g => g.Key, g => g.Min(r => r.WaitingSince));
        Track(waited.Keys);
        return Least(waited);
    }

    /// <summary>Makes <paramref name="active"/> the active groups: the others are forgotten, new ones join at the level of
    /// the least-served.</summary>
    public void Track(IEnumerable<TGroup> active)
    {
        var set = active.ToHashSet();
        foreach (var gone in _work.Keys.Where(g => !set.Contains(g)).ToList()) _work.Remove(gone);
        var level = _work.Count == 0 ? 0 : _work.Values.Min();
        foreach (var group in set) _work.TryAdd(group, level);
    }

    /// <summary>Of <paramref name="candidates"/> (tracked groups and how long each waited, smaller = longer), the
    /// least-served, ties to the longest waiting.</summary>
    public TGroup Least(IReadOnlyDictionary<TGroup, long> candidates) =>
        candidates.Keys.OrderBy(g => _work[g]).ThenBy(g => candidates[g]).First();

    /// <summary>Counts <paramref name="work"/> (model passes × latent pixels) done for <paramref name="group"/>.</summary>
    public void Charge(TGroup group, long work) => _work[group] = _work.GetValueOrDefault(group) + work;
}
