namespace TeEFusion.Service.Distillation;

/// <summary>One server-sent event of a run: "progress" after each iteration, then "succeeded", "failed" or "canceled".</summary>
/// <param name="Sequence">0-based position in the run's event log (the SSE id).</param>
/// <param name="Type">progress, succeeded, failed or canceled.</param>
/// <param name="Iteration">Optimizer steps done.</param>
/// <param name="Iterations">Optimizer steps of the run.</param>
/// <param name="Loss">The iteration's loss (progress only).</param>
/// <param name="Error">Why the run failed or was canceled.</param>
public sealed record DistillationEvent(int Sequence, string Type, int Iteration, int Iterations, double? Loss, string? Error);
