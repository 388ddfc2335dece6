namespace TeEFusion.Service.Worker;

/// <summary>
/// Which group of running jobs steps next, so that groups (model × sampler × size) share the device by the work they get,
/// not by turns: each group's work done so far is counted in model passes × latent pixels, and the group with the least
/// steps next. A student step (one pass per row) thus costs half a CFG step and a sixth of a reflective one, and under
/// load on both a student's request takes about half the time of its teacher's; no active group lags another by more than
/// one step of work. A group that joins starts level with the least-served active group (not at zero, which would let it
/// take the device until it caught up); ties go to the group whose job has waited longest, so equal work takes turns.
/// A group that comes back (its next job arrived after its last one ended, as a client's next request does after the
/// round trip) gets back what the others did meanwhile, up to one step of work (the largest step charged so far), and
/// never more: without it, every gap between a client's requests would be device time given to the other models, and a
/// model whose clients come and go (fast jobs, each followed by a round trip) would get less than its share. Schedulers
/// of threads do the same for a thread that wakes (Linux's CFS places it at most half a latency period behind).
/// </summary>
public sealed class DeviceShares<TGroup> where TGroup : notnull
{
    // Bounds the groups remembered after they left; beyond it they all start afresh (level with the others).
    private const int MaxDeparted = 256;

    private readonly Dictionary<TGroup, long> _work = [];
    private readonly Dictionary<TGroup, long> _departed = [];
    private long _largestCharge;

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

    /// <summary>Makes <paramref name="active"/> the active groups: the others leave, new ones join at the level of the
    /// least-served, returning ones at most one step of work below it.</summary>
    public void Track(IEnumerable<TGroup> active)
    {
        var set = active.ToHashSet();
        foreach (var gone in _work.Keys.Where(g => !set.Contains(g)).ToList())
        {
            if (_departed.Count >= MaxDeparted) _departed.Clear();
            _departed[gone] = _work[gone];
            _work.Remove(gone);
        }
        var level = _work.Count == 0 ? 0 : _work.Values.Min();
        foreach (var group in set.Where(g => !_work.ContainsKey(g)))
            _work[group] = _departed.Remove(group, out var before) ? Math.Clamp(before, level - _largestCharge, level) : level;
    }

    /// <summary>Of <paramref name="candidates"/> (tracked groups and how long each waited, smaller = longer), the
    /// least-served, ties to the longest waiting.</summary>
    public TGroup Least(IReadOnlyDictionary<TGroup, long> candidates) =>
        candidates.Keys.OrderBy(g => _work[g]).ThenBy(g => candidates[g]).First();

    /// <summary>Counts <paramref name="work"/> (model passes × latent pixels) done for <paramref name="group"/>.</summary>
    public void Charge(TGroup group, long work)
    {
        _work[group] = _work.GetValueOrDefault(group) + work;
        _largestCharge = Math.Max(_largestCharge, work);
    }
}
