using static TorchSharp.torch;

namespace TeEFusion.Core.Sampling;

/// <summary>
/// One sampler step for a batch whose samples may sit at different points of their own schedules.
/// </summary>
/// <param name="Latents">x at σ per sample, (B, C, H, W), in the model's dtype.</param>
/// <param name="Sigma">Current σ per sample, (B).</param>
/// <param name="SigmaNext">σ to step to per sample, (B); 0 on a sample's last step.</param>
/// <param name="StepIndex">Each sample's step index i in its own schedule, (B).</param>
/// <param name="Conditioning">Prompt embeddings and guidance for the same B samples.</param>
public sealed record SamplerStepInput(Tensor Latents, float[] Sigma, float[] SigmaNext, int[] StepIndex, SamplingConditioning Conditioning)
{
    /// <summary>
    /// Every model forward of the step takes all B rows, even where only some rows need the work (a reflective
    /// sampler's reflection skips rows at their last step): the other rows are computed and discarded. Kernels round
    /// a row differently for other batch sizes, so this is what makes a row's result independent of which rows share
    /// its step, at the cost of the discarded work. Off, only the rows that need a forward take part in it.
    /// </summary>
    public bool FixedWidth { get; init; }

    /// <summary>Throws unless every per-sample array and the conditioning hold one entry per latent.</summary>
    public void Validate()
    {
        var batch = Latents.shape[0];
        if (Latents.dim() != 4) throw new ArgumentException($"Latents must be (B, C, H, W); got {Latents.dim()} dimensions.");
        if (Sigma.Length != batch || SigmaNext.Length != batch || StepIndex.Length != batch)
            throw new ArgumentException(
                $"{batch} latents but {Sigma.Length} σ, {SigmaNext.Length} σ_next and {StepIndex.Length} step indices.");
        Conditioning.EnsureBatch(batch);
    }
}
