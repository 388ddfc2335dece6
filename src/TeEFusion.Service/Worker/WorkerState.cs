namespace TeEFusion.Service.Worker;

/// <summary>What the device worker's policy decides on, read at each step boundary.</summary>
/// <param name="Stopping">The host is stopping.</param>
/// <param name="SwapPending">A promotion or restore waits to be served.</param>
/// <param name="SwapWaitsForJobs">Jobs of the model the pending swap replaces are still running.</param>
/// <param name="RunningJobs">Jobs in the batch.</param>
/// <param name="Head">The job at the head of the queue.</param>
/// <param name="Gathering">A fresh batch (no step yet) with free places, still inside Batching:MaxWaitMilliseconds.</param>
/// <param name="TrainingWaiting">A distillation run waits for its next iteration.</param>
public readonly record struct WorkerState(
    bool Stopping,
    bool SwapPending,
    bool SwapWaitsForJobs,
    int RunningJobs,
    QueueHead Head,
    bool Gathering,
    bool TrainingWaiting);
