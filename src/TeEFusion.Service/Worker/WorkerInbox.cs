using TeEFusion.Service.Distillation;

namespace TeEFusion.Service.Worker;

/// <summary>
/// Where the device worker's work comes from: generation jobs (<see cref="Jobs"/>), distillation iterations
/// (<see cref="Training"/>) and model swaps (<see cref="Swaps"/>). Each source notifies <see cref="Signal"/> when it has
/// something, so the worker sleeps on that one signal.
/// </summary>
public sealed class WorkerInbox(GenerationQueue jobs, DistillationTrainer training, ModelSwaps swaps, WorkerSignal signal)
{
    public GenerationQueue Jobs => jobs;

    public DistillationTrainer Training => training;

    public ModelSwaps Swaps => swaps;

    public WorkerSignal Signal => signal;
}
