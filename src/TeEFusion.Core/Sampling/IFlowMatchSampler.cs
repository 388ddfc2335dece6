namespace TeEFusion.Core.Sampling;

/// <summary>
/// A flow-matching sampler that advances each sample of a batch from its σ to its σ_next. Steps are explicit
/// so that a scheduler can batch samples that sit at different steps.
/// </summary>
public interface IFlowMatchSampler
{
    /// <summary>Short name for logs and metrics.</summary>
    string Name { get; }

    /// <summary>Runs one step; the returned latents belong to the caller's dispose scope.</summary>
    SamplerStepResult Step(SamplerStepInput input);
}
