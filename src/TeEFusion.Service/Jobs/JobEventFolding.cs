namespace TeEFusion.Service.Jobs;

/// <summary>
/// What a finished job keeps of its event log. Progress events only say how far the job had got, and its final event says
/// that better, so once a job has ended they are folded: their places stay (every other event keeps its id, so a reader
/// resuming after Last-Event-ID lands where it should) but their contents are dropped. Without this a finished job kept
/// one event per step for Queue:ResultTtlSeconds: about 190 bytes each in Redis, 5 KB for a 28-step job, more than all
/// its other state. Previews (partial_image) are kept: a client asked for them, and a reader slower than the job must
/// still receive them.
/// </summary>
public static class JobEventFolding
{
    /// <summary>The event types a finished job drops.</summary>
    public static IReadOnlyList<string> FoldedTypes { get; } = ["progress"];

    /// <summary>True when a finished job keeps events of <paramref name="type"/>.</summary>
    public static bool KeptAfterFinish(string type) => !FoldedTypes.Contains(type, StringComparer.Ordinal);
}
