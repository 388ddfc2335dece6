using System.Diagnostics;
using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using TeEFusion.Core.Vae;
using static TorchSharp.torch;

namespace TeEFusion.Core.Distillation;

/// <summary>
/// Holds the teacher's final latents (and, with a VAE, its decoded images) for fixed held-out prompts, seeds and
/// guidance, computed once at construction, and scores any student against them: latent MSE and image PSNR.
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
    private readonly AutoencoderKL? _vae;
    private readonly Tensor? _teacherImages;

    /// <summary>The PSNR reported for identical images (an MSE of 1e-10 on [0, 1]), so that the number stays finite.</summary>
    public const double MaxPsnr = 100.0;

    /// <summary>
    /// The evaluator of a run with <paramref name="settings"/>: the teacher's sampler and steps, seed 0 and the middle of
    /// the g range, fixed so that every evaluation of a run, resumed or not, is comparable.
    /// </summary>
    public static DistillationEvaluator ForRun(SD3Components teacher, DistillationPrompts heldOut, DistillationSettings settings) =>
        new(teacher.Transformer, teacher.Scheduler, heldOut, settings.Teacher, settings.Steps, RunGuidance(settings), RunSeeds,
            settings.LatentHeight, settings.LatentWidth, teacher.Vae);

    /// <summary>The noise seeds of a run's evaluations.</summary>
    public static IReadOnlyList<long> RunSeeds { get; } = [0];

    /// <summary>The g of a run's evaluations: the middle of its range.</summary>
    public static double RunGuidance(DistillationSettings settings) => (settings.GuidanceMin + settings.GuidanceMax) / 2;

    /// <param name="teacher">The frozen teacher transformer (txt_align_guidance off).</param>
    /// <param name="scheduler">The model's scheduler.</param>
    /// <param name="prompts">Held-out prompts; not owned.</param>
    /// <param name="sampler">The teacher's sampler.</param>
    /// <param name="steps">Schedule steps for both teacher and student.</param>
    /// <param name="guidance">g for every image.</param>
    /// <param name="seeds">Noise seeds; every prompt is sampled with each.</param>
    /// <param name="latentHeight">Latent height.</param>
    /// <param name="latentWidth">Latent width.</param>
    /// <param name="vae">The model's VAE, to compare decoded images (PSNR) too; not owned. Null compares latents only.</param>
    public DistillationEvaluator(SD3Transformer2DModel teacher, FlowMatchEulerDiscreteScheduler scheduler, DistillationPrompts prompts,
        SamplerSettings sampler, int steps, double guidance, IReadOnlyList<long> seeds, int latentHeight, int latentWidth,
        AutoencoderKL? vae = null)
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
        _vae = vae;
        if (vae is not null) _teacherImages = DecodeUnit(result.Latents, out _).DetachFromDisposeScope();
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
        using var noGrad = no_grad();
        var clock = Stopwatch.StartNew();
        var result = SamplingRunner.Run(new StudentEuler(student), _scheduler, _steps, _noise, _conditioning);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        var mse = (result.Latents - _teacherLatents).square().mean().item<float>();
        var images = (int)_noise.shape[0];
        double? psnr = null, decodeMs = null;
        if (_teacherImages is not null)
        {
            var studentImages = DecodeUnit(result.Latents, out var ms);                       // (R, 3, H, W)
            var perImage = (studentImages - _teacherImages).square().flatten(1).mean([1]).clamp_min(1e-10); // (R)
            psnr = (perImage.log10() * -10.0).mean().item<float>();
            decodeMs = ms;
        }
        return new DistillationEvaluation(mse, result.ModelPasses[0], _teacherPasses, elapsed, _teacherMilliseconds, images, psnr, decodeMs);
    }

    // Latents to float32 images on [0, 1] ((x / 2 + 0.5).clamp(0, 1), as the PNG writer maps them), one image per decode to
    // bound the VAE's memory at SD3-medium sizes; msPerImage is the mean decode time.
    private Tensor DecodeUnit(Tensor latents, out double msPerImage)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var clock = Stopwatch.StartNew();
        var images = new List<Tensor>();
        for (var i = 0; i < latents.shape[0]; i++)
            images.Add(_vae!.Decode(latents.narrow(0, i, 1)).to(ScalarType.Float32).div(2).add(0.5).clamp(0, 1)); // (1, 3, H, W)
        msPerImage = clock.Elapsed.TotalMilliseconds / latents.shape[0];
        return cat(images, 0).MoveToOuterDisposeScope();                                      // (R, 3, H, W)
    }

    public void Dispose()
    {
        _teacherLatents.Dispose();
        _teacherImages?.Dispose();
        _noise.Dispose();
        _conditioning.Prompt.EncoderHiddenStates.Dispose();
        _conditioning.Prompt.Pooled.Dispose();
        _conditioning.Negative.EncoderHiddenStates.Dispose();
        _conditioning.Negative.Pooled.Dispose();
    }
}
