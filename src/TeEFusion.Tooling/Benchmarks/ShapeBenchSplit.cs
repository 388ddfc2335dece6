using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>Which captions a ShapeBench split asks for.</summary>
public enum ShapeBenchCaptions
{
    /// <summary>The training template: "a small red circle at the top left on a blue background".</summary>
    Canonical,

    /// <summary>The same combinations phrased by <see cref="ShapePhrasings.Wording"/>, which no training caption uses.</summary>
    Wording,

    /// <summary>Two objects and their relation: "a small red circle left of a large blue square on a green background".</summary>
    TwoObject,
}

/// <summary>
/// One split of ShapeBench: a caption kind and the seen or held-out combinations it is drawn from. The canonical pair is
/// the bench as it was first published; the wording pair asks for the same combinations in phrasings no training caption
/// used; the two-object pair is where guidance has to bind colours, shapes and sizes to the right object.
/// </summary>
public sealed record ShapeBenchSplit(string Name, ShapeBenchCaptions Captions, ShapeSplit Combinations)
{
    public static ShapeBenchSplit Seen { get; } = new("seen", ShapeBenchCaptions.Canonical, ShapeSplit.Seen);
    public static ShapeBenchSplit HeldOut { get; } = new("held-out", ShapeBenchCaptions.Canonical, ShapeSplit.HeldOut);
    public static ShapeBenchSplit WordingSeen { get; } = new("wording seen", ShapeBenchCaptions.Wording, ShapeSplit.Seen);
    public static ShapeBenchSplit WordingHeldOut { get; } = new("wording held-out", ShapeBenchCaptions.Wording, ShapeSplit.HeldOut);
    public static ShapeBenchSplit TwoObjectSeen { get; } = new("two-object seen", ShapeBenchCaptions.TwoObject, ShapeSplit.Seen);
    public static ShapeBenchSplit TwoObjectHeldOut { get; } = new("two-object held-out", ShapeBenchCaptions.TwoObject, ShapeSplit.HeldOut);

    /// <summary>Every split in table order.</summary>
    public static IReadOnlyList<ShapeBenchSplit> All { get; } = [Seen, HeldOut, WordingSeen, WordingHeldOut, TwoObjectSeen, TwoObjectHeldOut];

    /// <summary>The CLI names of the caption kinds, each selecting its seen and held-out split, and "all".</summary>
    public static IReadOnlyList<string> GroupNames { get; } = ["canonical", "wording", "two-object", "all"];

    /// <summary>The splits a comma-separated list of <see cref="GroupNames"/> selects, in table order.</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static IReadOnlyList<ShapeBenchSplit> Parse(string names)
    {
        var kinds = new HashSet<ShapeBenchCaptions>();
        foreach (var name in names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var index = GroupNames.ToList().FindIndex(g => string.Equals(g, name, StringComparison.OrdinalIgnoreCase));
            if (index < 0) throw new ArgumentException($"Unknown ShapeBench split '{name}'; expected one of {string.Join(", ", GroupNames)}.");
            if (index == GroupNames.Count - 1) return All;
            kinds.Add((ShapeBenchCaptions)index);
        }
        if (kinds.Count == 0) throw new ArgumentException($"No ShapeBench split named; expected one of {string.Join(", ", GroupNames)}.");
        return All.Where(s => kinds.Contains(s.Captions)).ToArray();
    }
}
