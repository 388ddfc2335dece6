namespace TeEFusion.Core.IO;

/// <summary>How <see cref="StateDictLoader"/> may bend its strict rules.</summary>
public sealed record StateDictLoadOptions
{
    /// <summary>Convert file tensors to the module tensor's dtype instead of rejecting a dtype mismatch.</summary>
    public bool ConvertDType { get; init; }

    /// <summary>
    /// Groups of names that hold one shared weight (e.g. T5's <c>shared.weight</c> and <c>encoder.embed_tokens.weight</c>).
    /// Any one of them present in the file fills every module key of the group that the file lacks.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> TiedGroups { get; init; } = [];
}
