using TeEFusion.Core.Distillation;

namespace TeEFusion.Core.Tests.Distillation;

internal static class DistillerSteps
{
    /// <summary>Optimizer steps until the run's last iteration, with no checkpoints (those are the session's business).</summary>
    public static void StepToEnd(this TeEFusionDistiller distiller)
    {
        while (distiller.Iteration < distiller.Settings.Iterations) distiller.Step();
    }
}
