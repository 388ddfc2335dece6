namespace TeEFusion.Service.Health;

/// <summary>The shared job store's part of readiness.</summary>
/// <param name="Provider">The store, e.g. "redis".</param>
/// <param name="Available">True while it answers; readiness fails otherwise (the process keeps serving what it can).</param>
/// <param name="Detail">Where it is and, when unavailable, why.</param>
public sealed record JobStoreCheck(string Provider, bool Available, string? Detail);
