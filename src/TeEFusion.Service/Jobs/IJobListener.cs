namespace TeEFusion.Service.Jobs;

/// <summary>
/// Told of each transition of a <see cref="Job"/> right after it happens, on the thread that made it (the device
/// worker's): a replica mirrors the jobs it claimed from a shared store this way. Must return quickly and never throw.
/// </summary>
public interface IJobListener
{
    /// <param name="job">The job.</param>
    /// <param name="snapshot">Its state just after the transition.</param>
    /// <param name="entry">The event the transition appended; null for queued → running, which appends none.</param>
    void OnTransition(Job job, JobSnapshot snapshot, JobEvent? entry);
}
