namespace TeEFusion.Service.Jobs.Redis;

/// <summary>What a lease renewal found about one claimed job.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Lost">True when the lease is gone (expired and re-queued, or the job was ended elsewhere).</param>
/// <param name="CancelReason">The client's cancel request, when the lease holds and one was recorded.</param>
public sealed record LeaseNotice(string JobId, bool Lost, string CancelReason);
