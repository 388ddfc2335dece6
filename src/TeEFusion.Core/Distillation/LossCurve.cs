namespace TeEFusion.Core.Distillation;

/// <summary>What <see cref="LossCurveSvg"/> draws of a distillation run: its loss per iteration and its evaluations.</summary>
/// <param name="RunId">The run's id (the service's run id, the CLI's folder name).</param>
/// <param name="Sampler">The teacher's sampler.</param>
/// <param name="Iterations">Optimizer steps of the run: the iteration axis ends there, so a running run fills it up.</param>
/// <param name="Losses">Mean loss of each optimizer step so far; the first is iteration 1's.</param>
/// <param name="Evaluations">The student's evaluations so far (0 = the untrained student).</param>
public sealed record LossCurve(string RunId, string Sampler, int Iterations, IReadOnlyList<double> Losses, IReadOnlyList<LossCurveEvaluation> Evaluations);

/// <summary>One evaluation point of a <see cref="LossCurve"/>.</summary>
/// <param name="Iteration">Optimizer steps done when it was taken.</param>
/// <param name="LatentMse">Mean squared difference of the final latents, student vs teacher.</param>
/// <param name="ImagePsnr">Mean image PSNR in dB, student vs teacher; null without a VAE.</param>
public sealed record LossCurveEvaluation(int Iteration, double LatentMse, double? ImagePsnr)
{
    /// <summary>The point of <paramref name="evaluation"/>, taken after <paramref name="iteration"/> optimizer steps.</summary>
    public static LossCurveEvaluation From(int iteration, DistillationEvaluation evaluation) =>
        new(iteration, evaluation.LatentMse, evaluation.ImagePsnr);
}
