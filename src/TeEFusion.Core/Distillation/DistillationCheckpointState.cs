using System.Text.Json.Serialization;

namespace TeEFusion.Core.Distillation;

/// <summary>The trainer's state in a checkpoint (its run_state.json): what a resume restores besides the tensors.</summary>
/// <param name="Iteration">Optimizer steps done.</param>
/// <param name="Seed">The run's seed; with the iteration it fixes every later draw.</param>
/// <param name="OptimizerStep">AdamW's step count (bias correction).</param>
/// <param name="LossHistory">Mean loss of each optimizer step.</param>
/// <param name="Recipe">The settings that shape the trajectory (<see cref="DistillationSettings.Recipe"/>).</param>
public sealed record DistillationCheckpointState(
    [property: JsonPropertyName("iteration")] int Iteration,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("optimizer_step")] long OptimizerStep,
    [property: JsonPropertyName("loss_history")] double[] LossHistory,
    [property: JsonPropertyName("recipe")] string Recipe);
