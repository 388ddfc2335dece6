namespace TeEFusion.Service.Jobs.Redis;

/// <summary>A cancel request for a job, published by the replica that received it.</summary>
public sealed record CancelNotice(string JobId, string Reason);
