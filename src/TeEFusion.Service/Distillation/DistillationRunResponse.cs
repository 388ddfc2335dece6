using TeEFusion.Core.Distillation;

namespace TeEFusion.Service.Distillation;

/// <summary>A run as GET /admin/distillations/{id} returns it.</summary>
/// <param name="Id">The run id.</param>
/// <param name="State">queued, running, succeeded, failed or canceled.</param>
/// <param name="Iteration">Optimizer steps done.</param>
/// <param name="Iterations">Optimizer steps of the run.</param>
/// <param name="Losses">Mean loss of each optimizer step so far (the loss curve).</param>
/// <param name="EvalHistory">Evaluations so far (only with eval_prompts).</param>
/// <param name="EtaSeconds">Estimated seconds to go while running.</param>
/// <param name="IterationMs">Recent iteration time (exponential average): about how long an inference job may wait.</param>
/// <param name="SlowestIterationMs">The longest iteration so far (checkpoint writes included).</param>
/// <param name="Error">Why it failed or was canceled.</param>
/// <param name="CreatedAt">When it was submitted.</param>
/// <param name="StartedAt">When its first iteration began.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Sampler">The teacher's sampler.</param>
/// <param name="Steps">Schedule steps of the teacher's rollouts.</param>
/// <param name="GMin">Smallest guidance drawn.</param>
/// <param name="GMax">Largest guidance drawn.</param>
/// <param name="Lr">Learning rate.</param>
/// <param name="BatchSize">Trajectories per micro-batch.</param>
/// <param name="CheckpointInterval">Iterations between checkpoints.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="PromptCount">Training prompts.</param>
/// <param name="EvalPromptCount">Held-out prompts.</param>
/// <param name="TeacherModel">The served model it learns from.</param>
/// <param name="StudentModel">The id promotion serves its student under.</param>
/// <param name="Links">The run's routes: itself, its events and its loss curve picture (loss.svg).</param>
public sealed record DistillationRunResponse(string Id, DistillationRunState State, int Iteration, int Iterations, double[] Losses,
    DistillationEvalPoint[] EvalHistory, double? EtaSeconds, double IterationMs, double SlowestIterationMs, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    string Sampler, int Steps, double GMin, double GMax, double Lr, int BatchSize, int CheckpointInterval, long Seed, int PromptCount,
    int EvalPromptCount, string TeacherModel, string StudentModel, DistillationRunLinks Links)
{
    /// <summary>The run as <see cref="LossCurveSvg"/> draws it.</summary>
    public LossCurve ToLossCurve() =>
        new(Id, Sampler, Iterations, Losses, EvalHistory.Select(e => new LossCurveEvaluation(e.Iteration, e.LatentMse, e.ImagePsnr)).ToArray());
}
