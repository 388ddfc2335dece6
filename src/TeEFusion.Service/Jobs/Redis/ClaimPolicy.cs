namespace TeEFusion.Service.Jobs.Redis;

/// <summary>
/// How many queued jobs a replica claims from the shared queue, and when it gives a claimed one back. A replica claims
/// what fills its batch's free places plus a small prefetch, so that a job finishing is replaced at the next step instead
/// of after a round trip, while no replica takes more than it can start soon: the rest stays in the shared queue for the
/// others. A job in its last step no longer holds its places (<see cref="Occupies"/>), so a group of jobs finishing
/// together is replaced during that step and the next step is full again. A prefetched job that still waits after the give-back bound goes back, and the replica claims no prefetch
/// again until its own worker has moved (started or finished a job), so that it does not take the same job straight back.
/// </summary>
public static class ClaimPolicy
{
    /// <summary>Jobs to claim now (0 or more).</summary>
    /// <param name="batchPlaces">Images the worker runs at once (Batching:MaxBatchSize, 1 with batching off).</param>
    /// <param name="prefetch">Jobs held beyond the batch (Redis:PrefetchJobs).</param>
    /// <param name="heldImages">Images of the claimed jobs that <see cref="Occupies"/> their places.</param>
    /// <param name="localRoom">Free places in the local queue (Queue:Capacity minus the jobs waiting in it).</param>
    /// <param name="prefetchSuspended">A prefetched job was given back and the worker has not moved since.</param>
    public static int JobsToClaim(int batchPlaces, int prefetch, int heldImages, int localRoom, bool prefetchSuspended)
    {
        var wanted = batchPlaces + (prefetchSuspended ? 0 : prefetch) - heldImages;
        return Math.Max(0, Math.Min(wanted, localRoom));
    }

    /// <summary>Whether a claimed job holds its batch places: waiting, or running with more than its last step to go.</summary>
    public static bool Occupies(JobState state, int step, int totalSteps) =>
        state == JobState.Queued || (state == JobState.Running && step < totalSteps - 1);

    /// <summary>True when a claimed job that the worker has not started has waited past <paramref name="bound"/>.</summary>
    public static bool GiveBack(bool started, DateTimeOffset claimedAt, DateTimeOffset now, TimeSpan bound) =>
        !started && now - claimedAt >= bound;
}
