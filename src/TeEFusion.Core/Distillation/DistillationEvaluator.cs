using System.Diagnostics;
using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using static TorchSharp.torch;

namespace TeEFusion.Core.Distillation;

/// <summary>How close the student's 1-pass/step sampling comes to the teacher's sampler on held-out prompts.</summary>
/// <param name="LatentMse">Mean squared difference of the final latents over every prompt × seed.</param>
/// <param name="StudentPassesPerImage">Model passes the student spent per image.</param>
/// <param name="TeacherPassesPerImage">Model passes the teacher's sampler spent per image.</param>
/// <param name="StudentMilliseconds">Wall time of the student's sampling of all evaluation images.</param>
/// <param name="TeacherMilliseconds">Wall time of the teacher's sampling of the same images (measured once).</param>
public sealed record DistillationEvaluation(double LatentMse, int StudentPassesPerImage, int TeacherPassesPerImage,
    double StudentMilliseconds, double TeacherMilliseconds);

/// <summary>
/// Holds the teacher's final latents for fixed held-out prompts, seeds and guidance (computed once at construction)
/// and scores any student against them.
/// </summary>
public sealed class DistillationEvaluator : IDisposable
{
    private readonly FlowMatchEulerDiscreteScheduler _scheduler;
    private readonly int _steps;
    private readonly Tensor _noise;
    private readonly SamplingConditioning _conditioning;
    private readonly Tensor _teacherLatents;
    private readonly int _teacherPasses;
    private readonly double _teacherMilliseconds;

    /// <param name="teacher">The frozen teacher transformer (txt_align_guidance off).</param>
    /// <param name="scheduler">The model's scheduler.</param>
    /// <param name="prompts">Held-out prompts; not owned.</param>
    /// <param name="sampler">The teacher's sampler.</param>
    /// <param name="steps">Schedule steps for both teacher and student.</param>
    /// <param name="guidance">g for every image.</param>
    /// <param name="seeds">Noise seeds; every prompt is sampled with each.</param>
    /// <param name="latentHeight">Latent height.</param>
    /// <param name="latentWidth">Latent width.</param>
    public DistillationEvaluator(SD3Transformer2DModel teacher, FlowMatchEulerDiscreteScheduler scheduler, DistillationPrompts prompts,
        SamplerSettings sampler, int steps, double guidance, IReadOnlyList<long> seeds, int latentHeight, int latentWidth)
    {
        if (seeds.Count == 0) throw new ArgumentException("At least one evaluation seed is needed.", nameof(seeds));
        _scheduler = scheduler;
        _steps = steps;
        var rows = Enumerable.Range(0, prompts.Count).SelectMany(p => seeds.Select(_ => p)).ToArray();
        var rowSeeds = Enumerable.Range(0, prompts.Count).SelectMany(_ => seeds).ToArray();
        var device = prompts.Prompts.Pooled.device;
        using var scope = NewDisposeScope();
        var noise = LatentNoise.Sample(rowSeeds, teacher.Config.InChannels, latentHeight, latentWidth, device, ScalarType.Float32); // (R, C, h, w)
        var conditioning = prompts.Conditioning(rows, rows.Select(_ => guidance).ToArray());
        var clock = Stopwatch.StartNew();
        var result = SamplingRunner.Run(TeacherSamplers.Create(teacher, sampler), scheduler, steps, noise, conditioning);
        _teacherMilliseconds = clock.Elapsed.TotalMilliseconds;
        _teacherPasses = result.ModelPasses[0];
        _teacherLatents = result.Latents.DetachFromDisposeScope();
        _noise = noise.DetachFromDisposeScope();
        _conditioning = new SamplingConditioning(
            new PromptEmbeddings(conditioning.Prompt.EncoderHiddenStates.DetachFromDisposeScope(), conditioning.Prompt.Pooled.DetachFromDisposeScope()),
            new PromptEmbeddings(conditioning.Negative.EncoderHiddenStates.DetachFromDisposeScope(), conditioning.Negative.Pooled.DetachFromDisposeScope()),
            conditioning.Guidance);
    }

    /// <summary>Samples with <paramref name="student"/> (txt_align_guidance on) and compares with the teacher.</summary>
    public DistillationEvaluation Evaluate(SD3Transformer2DModel student)
    {
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        var result = SamplingRunner.Run(new StudentEuler(student), _scheduler, _steps, _noise, _conditioning);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        var mse = (result.Latents - _teacherLatents).square().mean().item<float>();
        return new DistillationEvaluation(mse, result.ModelPasses[0], _teacherPasses, elapsed, _teacherMilliseconds);
    }

    public void Dispose()
    {
        _teacherLatents.Dispose();
        _noise.Dispose();
        _conditioning.Prompt.EncoderHiddenStates.Dispose();
        _conditioning.Prompt.Pooled.Dispose();
        _conditioning.Negative.EncoderHiddenStates.Dispose();
        _conditioning.Negative.Pooled.Dispose();
    }
}
