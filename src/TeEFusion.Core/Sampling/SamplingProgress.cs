namespace TeEFusion.Core.Sampling;

/// <summary>Reported after each completed step of a trajectory.</summary>
/// <param name="Step">Steps completed so far (1..TotalSteps).</param>
/// <param name="TotalSteps">Steps in the trajectory.</param>
/// <param name="Sigma">σ reached by this step.</param>
/// <param name="ModelPasses">Model passes per sample spent so far, (B).</param>
public sealed record SamplingProgress(int Step, int TotalSteps, float Sigma, int[] ModelPasses);
