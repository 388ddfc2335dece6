namespace TeEFusion.Service.Worker;

/// <summary>
/// The device worker's priorities, first match wins. Serving comes first; training takes the gaps; a swap waits for
/// running jobs:
/// <list type="number">
/// <item>Stopping → <see cref="WorkerAction.Stop"/>.</item>
/// <item>A swap is pending and no job of the model it replaces runs → <see cref="WorkerAction.Swap"/>.</item>
/// <item>A swap is pending → <see cref="WorkerAction.Step"/>: no job is admitted, so however long the queue, the model's
/// running jobs finish and the swap happens.</item>
/// <item>The queue's head can leave the queue → <see cref="WorkerAction.Admit"/> (jobs join a running batch between steps).</item>
/// <item>A fresh batch with room, inside the gathering window, and nothing queued → <see cref="WorkerAction.Gather"/>.</item>
/// <item>Jobs are running → <see cref="WorkerAction.Step"/>.</item>
/// <item>A distillation run waits → <see cref="WorkerAction.Train"/>: reached only with no job running and none queued, so
/// training never runs while a job waits, and a job that arrives waits at most one iteration.</item>
/// <item>Otherwise → <see cref="WorkerAction.Wait"/>.</item>
/// </list>
/// </summary>
public static class WorkerPolicy
{
    public static WorkerAction NextAction(WorkerState state) => state switch
    {
        { Stopping: true } => WorkerAction.Stop,
        { SwapPending: true, SwapWaitsForJobs: false } => WorkerAction.Swap,
        { SwapPending: true } => WorkerAction.Step,
        { Head: QueueHead.Admissible } => WorkerAction.Admit,
        { Gathering: true, Head: QueueHead.Empty, RunningJobs: > 0 } => WorkerAction.Gather,
        { RunningJobs: > 0 } => WorkerAction.Step,
        { TrainingWaiting: true } => WorkerAction.Train,
        _ => WorkerAction.Wait,
    };
}
