using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using TeEFusion.Service.Jobs;
using static TorchSharp.torch;

namespace TeEFusion.Service.Worker;

/// <summary>
/// A running job on the worker: the pipeline it runs on, its encoded prompt (one row, shared by its images), its schedule,
/// and one latent per image. The tensors live outside every dispose scope and belong to this object until <see cref="Dispose"/>.
/// All images of a job advance together, so the job has one step index.
/// </summary>
internal sealed class JobRun : IDisposable
{
    private readonly Tensor[] _latents;

    public JobRun(Job job, SD3Pipeline pipeline, IReadOnlyList<ResolvedGenerationRequest> requests, SigmaSchedule schedule, EncodedPrompts prompts,
        Tensor noise, IReadOnlyList<string> warnings)
    {
        Job = job;
        Pipeline = pipeline;
        Requests = requests;
        Schedule = schedule;
        Warnings = warnings;
        PromptHidden = prompts.Prompt.EncoderHiddenStates.DetachFromDisposeScope();   // (1, T, D)
        PromptPooled = prompts.Prompt.Pooled.DetachFromDisposeScope();                // (1, P)
        NegativeHidden = prompts.Negative.EncoderHiddenStates.DetachFromDisposeScope(); // (1, T, D)
        NegativePooled = prompts.Negative.Pooled.DetachFromDisposeScope();            // (1, P)
        Previews = RunPreviews.For(job.Spec, schedule.NumSteps);
        _latents = new Tensor[requests.Count];
        for (var k = 0; k < _latents.Length; k++)
            _latents[k] = noise.narrow(0, k, 1).clone().DetachFromDisposeScope();    // (1, C, h, w)
    }

    public Job Job { get; }

    /// <summary>An edit's image latents, noise and mask (owned by this run); null for a generation.</summary>
    public EditLatents? Edit { get; init; }

    /// <summary>The pipeline the job started on; a swap of its model waits until the job is done with it.</summary>
    public SD3Pipeline Pipeline { get; }

    /// <summary>One resolved request per image (seed s + k).</summary>
    public IReadOnlyList<ResolvedGenerationRequest> Requests { get; }

    public SigmaSchedule Schedule { get; }

    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The partial images the job asked for; null when none.</summary>
    public RunPreviews? Previews { get; }

    public Tensor PromptHidden { get; }

    public Tensor PromptPooled { get; }

    public Tensor NegativeHidden { get; }

    public Tensor NegativePooled { get; }

    /// <summary>Steps completed.</summary>
    public int Step { get; set; }

    public bool Done => Step >= Schedule.NumSteps;

    /// <summary>When (UTC ticks) the job's last step ended, or its submission before its first step: on equal work, the group
    /// whose job has waited longest steps first.</summary>
    public long WaitingSince { get; set; }

    /// <summary>The jobs this one can share a step with.</summary>
    public StepGroup Group => new(Pipeline, Job.Spec.Request.Sampler, Job.Spec.Request.Width, Job.Spec.Request.Height);

    public int ImageCount => _latents.Length;

    public Tensor Latent(int image) => _latents[image];

    /// <summary>Takes ownership of <paramref name="next"/> and frees the previous latent.</summary>
    public void ReplaceLatent(int image, Tensor next)
    {
        var previous = _latents[image];
        _latents[image] = next;
        previous.Dispose();
    }

    public void Dispose()
    {
        foreach (var latent in _latents) latent.Dispose();
        Previews?.Dispose();
        Edit?.Dispose();
        PromptHidden.Dispose();
        PromptPooled.Dispose();
        NegativeHidden.Dispose();
        NegativePooled.Dispose();
    }
}

/// <summary>One image of a running job: a row of a batched step.</summary>
internal readonly record struct SampleRow(JobRun Run, int Image);
