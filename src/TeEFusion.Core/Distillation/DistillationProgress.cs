namespace TeEFusion.Core.Distillation;

/// <summary>Reported after each optimizer step.</summary>
/// <param name="Iteration">Optimizer steps done.</param>
/// <param name="Iterations">Optimizer steps of the run.</param>
/// <param name="Loss">This step's mean loss.</param>
/// <param name="LearningRate">The learning rate this step used.</param>
public sealed record DistillationProgress(int Iteration, int Iterations, double Loss, double LearningRate);
