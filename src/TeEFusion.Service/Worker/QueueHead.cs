namespace TeEFusion.Service.Worker;

/// <summary>The job at the head of the queue, as the worker's policy sees it.</summary>
public enum QueueHead
{
    /// <summary>Nothing is queued.</summary>
    Empty,

    /// <summary>It can leave the queue now: it fits beside the running jobs, or it already ended (canceled, overdue).</summary>
    Admissible,

    /// <summary>It waits for room: its images do not fit beside the running ones.</summary>
    Blocked,
}
