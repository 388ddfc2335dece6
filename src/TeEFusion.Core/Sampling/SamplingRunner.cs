using static TorchSharp.torch;

namespace TeEFusion.Core.Sampling;

/// <summary>
/// Runs a whole trajectory for a batch that starts together. Synchronous on purpose: TorchSharp dispose scopes
/// are thread-local, so the caller runs it on its worker thread.
/// </summary>
public static class SamplingRunner
{
    /// <summary>
    /// Steps <paramref name="latents"/> (at σ_max) down to σ = 0. Under no_grad; each step runs in its own dispose
    /// scope where only the new latents survive. <paramref name="cancellation"/> is checked before every step, so
    /// a cancelled job stops between steps with <see cref="OperationCanceledException"/>.
    /// The input latents are left to the caller; the result's latents belong to the caller's scope.
    /// </summary>
    public static SamplingResult Run(IFlowMatchSampler sampler, FlowMatchEulerDiscreteScheduler scheduler, int steps,
        Tensor latents, SamplingConditioning conditioning, double? mu = null,
        Action<SamplingProgress>? progress = null, CancellationToken cancellation = default) =>
        Run(sampler, scheduler.GetSchedule(steps, mu), latents, conditioning, progress: progress, cancellation: cancellation);

    /// <summary>
    /// Steps <paramref name="latents"/> (at the schedule's first σ) through <paramref name="schedule"/>, which may be the
    /// tail of a longer one (an edit's). <paramref name="afterStep"/> (step index, latents) → latents, when given, rewrites
    /// each step's output inside the step's scope (the inpainting blend).
    /// </summary>
    public static SamplingResult Run(IFlowMatchSampler sampler, SigmaSchedule schedule, Tensor latents, SamplingConditioning conditioning,
        Func<int, Tensor, Tensor>? afterStep = null, Action<SamplingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var batch = (int)latents.shape[0];
        conditioning.EnsureBatch(batch);
        var passes = new int[batch];
        using var noGrad = no_grad();
        var current = latents;
        for (var i = 0; i < schedule.NumSteps; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var input = new SamplerStepInput(current,
                Enumerable.Repeat(schedule.Sigmas[i], batch).ToArray(),
                Enumerable.Repeat(schedule.Sigmas[i + 1], batch).ToArray(),
                Enumerable.Repeat(i, batch).ToArray(),
                conditioning);
            Tensor next;
            using (NewDisposeScope())
            {
                var result = sampler.Step(input);
                for (var b = 0; b < batch; b++) passes[b] += result.ModelPasses[b];
                next = (afterStep is null ? result.Latents : afterStep(i, result.Latents)).MoveToOuterDisposeScope();
            }
            if (!ReferenceEquals(current, latents)) current.Dispose();
            current = next;
            progress?.Invoke(new SamplingProgress(i + 1, schedule.NumSteps, schedule.Sigmas[i + 1], (int[])passes.Clone()));
        }
        return new SamplingResult(current, passes);
    }
}
