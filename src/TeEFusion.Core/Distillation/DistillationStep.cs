namespace TeEFusion.Core.Distillation;

/// <summary>What one <see cref="DistillationSession.Step"/> did.</summary>
/// <param name="Iteration">Optimizer steps done after it.</param>
/// <param name="Iterations">Optimizer steps of the run.</param>
/// <param name="Loss">Its mean loss.</param>
/// <param name="LearningRate">The learning rate it used.</param>
/// <param name="TrainingTime">
/// Wall time of the optimizer step and of its checkpoint when one was due: how long an inference job queued behind it
/// waited. Evaluation and export are not counted.
/// </param>
/// <param name="Checkpointed">Whether it wrote a checkpoint.</param>
/// <param name="Evaluation">The student's evaluation when one was due; null otherwise or without held-out prompts.</param>
/// <param name="Finished">Whether it was the last: the final student is exported and the run is marked succeeded.</param>
public sealed record DistillationStep(int Iteration, int Iterations, double Loss, double LearningRate, TimeSpan TrainingTime,
    bool Checkpointed, DistillationEvaluation? Evaluation, bool Finished);
