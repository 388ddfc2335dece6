namespace TeEFusion.Tooling.Shapes;

/// <summary>Which attribute combinations a scene may come from.</summary>
public enum ShapeSplit
{
    /// <summary>The combinations the model is trained on.</summary>
    Seen,

    /// <summary>The combinations never shown in training: they test composition, not memory.</summary>
    HeldOut,
}

/// <summary>
/// The fixed held-out set: a combination is held out when a hash of its five attributes falls in the lowest
/// <see cref="HeldOutPercent"/> of 100 buckets. Every single attribute value still occurs in training, only the
/// combination is new.
/// </summary>
public static class ShapeSplits
{
    public const int HeldOutPercent = 12;

    /// <summary>The split a combination belongs to.</summary>
    public static ShapeSplit Of(ShapeAttributes attributes)
    {
        var key = (ulong)(((attributes.Background * 8 + attributes.Object) * 3 + (int)attributes.Shape) * 9 + attributes.Position.Index) * 2
            + (ulong)attributes.Size;
        return Mix(key) % 100 < HeldOutPercent ? ShapeSplit.HeldOut : ShapeSplit.Seen;
    }

    /// <summary>
    /// The split of a two-object combination, by the same rule over all its attributes; the held-out pairs are new
    /// combinations of seen objects and relations.
    /// </summary>
    public static ShapeSplit Of(ShapePairAttributes pair)
    {
        static ulong Object(ShapeObject o) => (ulong)((o.Color * 3 + (int)o.Shape) * 2 + (int)o.Size);
        var key = (((ulong)pair.Background * 48 + Object(pair.First)) * 48 + Object(pair.Second)) * 4 + (ulong)pair.Relation;
        // The salt keeps a pair's bucket independent of the single-object combination with the same key.
        return Mix(key ^ 0x5A17_0000_0000UL) % 100 < HeldOutPercent ? ShapeSplit.HeldOut : ShapeSplit.Seen;
    }

    /// <summary>The two-object combinations of <paramref name="split"/>, in <see cref="ShapePairAttributes.All"/> order.</summary>
    public static IReadOnlyList<ShapePairAttributes> Pairs(ShapeSplit split) => split == ShapeSplit.Seen ? SeenPairs.Value : HeldOutPairs.Value;

    /// <summary>The combinations of <paramref name="split"/>, in <see cref="ShapeAttributes.All"/> order.</summary>
    public static IReadOnlyList<ShapeAttributes> Combinations(ShapeSplit split) =>
        split == ShapeSplit.Seen ? Seen : HeldOut;

    private static readonly ShapeAttributes[] Seen = ShapeAttributes.All.Where(a => Of(a) == ShapeSplit.Seen).ToArray();
    private static readonly ShapeAttributes[] HeldOut = ShapeAttributes.All.Where(a => Of(a) == ShapeSplit.HeldOut).ToArray();

    private static readonly Lazy<ShapePairAttributes[]> SeenPairs = new(() => ShapePairAttributes.All.Where(p => Of(p) == ShapeSplit.Seen).ToArray());
    private static readonly Lazy<ShapePairAttributes[]> HeldOutPairs = new(() => ShapePairAttributes.All.Where(p => Of(p) == ShapeSplit.HeldOut).ToArray());

    // SplitMix64's finaliser: a fixed, well-spread hash that does not depend on the runtime's string or int hashing.
    private static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
