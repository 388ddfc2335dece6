namespace TeEFusion.Service.Worker;

/// <summary>What the device worker does next; <see cref="WorkerPolicy.NextAction"/> picks one.</summary>
public enum WorkerAction
{
    /// <summary>Drain: cancel what is queued, let running jobs finish within the drain timeout, then stop.</summary>
    Stop,

    /// <summary>Serve the pending model swap's pipeline from now on.</summary>
    Swap,

    /// <summary>Take the job at the head of the queue: into the batch, or out of the queue if it already ended.</summary>
    Admit,

    /// <summary>Advance the running jobs by one denoising step.</summary>
    Step,

    /// <summary>Wait, until the gathering window closes or another job arrives, for company for a fresh batch.</summary>
    Gather,

    /// <summary>Run one distillation iteration.</summary>
    Train,

    /// <summary>Sleep until something arrives.</summary>
    Wait,
}
