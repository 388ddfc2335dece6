using TeEFusion.Core.Distillation;
using TeEFusion.Core.Pipelines;
using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Tooling.TinyShapes;

/// <summary>
/// How the bundled tiny-shapes model is made, stage by stage: the VAE, the teacher (rectified flow with caption
/// dropout, so classifier-free guidance works) and the TeEFusion student distilled from the teacher's guided sampler.
/// <see cref="Full"/> is the whole recipe from nothing; <see cref="WarmStart"/> fine-tunes a trained folder on the same data
/// (the new caption words and two-object scenes) in a fraction of the time; <see cref="Smoke"/> runs every stage in
/// seconds for tests.
/// </summary>
public sealed record TinyShapesRecipe
{
    /// <summary>Seeds everything: weights, scenes, noise, timesteps, dropout and the distillation run.</summary>
    public long Seed { get; init; } = 1;

    public int VaeSteps { get; init; } = 4000;
    public int VaeBatch { get; init; } = 12;
    public double VaeLearningRate { get; init; } = 1e-3;

    /// <summary>How much more a pixel of the object, or near it, weighs in the reconstruction loss than one of the background.</summary>
    public double VaeObjectWeight { get; init; } = 20;

    /// <summary>Weight of the KL term: small, so the latent space is smooth but reconstructions stay sharp.</summary>
    public double VaeKlWeight { get; init; } = 1e-6;

    /// <summary>Scenes over which the VAE's latent mean and spread (shift and scaling factors) are measured.</summary>
    public int LatentStatisticsScenes { get; init; } = 512;

    /// <summary>Jittered scenes encoded per seen attribute combination for the teacher's training set.</summary>
    public int ScenesPerCombination { get; init; } = 6;

    /// <summary>Share of training captions phrased by <see cref="Shapes.ShapePhrasings.Training"/> instead of the canonical template.</summary>
    public double NaturalCaptionShare { get; init; } = 0.7;

    /// <summary>Two-object scenes of the seen pairs in the teacher's set (and captions of as many pairs among the student's prompts).</summary>
    public int PairScenes { get; init; } = 8000;

    /// <summary>
    /// A trained tiny-shapes model folder to start from instead of random weights (its teacher/ is fine-tuned, the text
    /// encoders extended for the new words); null trains from nothing.
    /// </summary>
    public string? WarmStartFrom { get; init; }

    /// <summary>
    /// A warm start keeps the trained VAE when its round trip reads at least this share of two-object scenes right, else
    /// fine-tunes it for <see cref="VaeSteps"/> (<see cref="WarmStart"/>: at a fifth of the learning rate). A pair is two objects that each come back
    /// right as often as a single one does (the shipped VAE: 95%), so about 0.95² ≈ 90% is the ceiling; 80% is close to it.
    /// </summary>
    public double VaeReuseAccuracy { get; init; } = 0.8;

    /// <summary>Seen combinations trained on (evenly spaced); null for all of them.</summary>
    public int? Combinations { get; init; }

    public int TeacherSteps { get; init; } = 10000;
    public int TeacherBatch { get; init; } = 32;
    public double TeacherLearningRate { get; init; } = 8e-4;
    public int TeacherWarmup { get; init; } = 200;

    /// <summary>Fraction of training captions replaced by the empty prompt (SD3 drops text the same way).</summary>
    public double CaptionDropout { get; init; } = 0.1;

    /// <summary>EMA decay of the teacher's weights; the EMA is what ships.</summary>
    public double TeacherEmaDecay { get; init; } = 0.998;

    /// <summary>Stage checkpoints are written every this many steps (and at the end of the stage).</summary>
    public int CheckpointInterval { get; init; } = 250;

    /// <summary>Steps the student is distilled for: the pipelines' default, so the model needs no settings of its own.</summary>
    public int InferenceSteps { get; init; } = SD3Pipeline.DefaultSteps;

    /// <summary>
    /// The guidance both shipped folders default to, inside the distilled g range. ShapeBench chose it: this teacher's
    /// euler-cfg reads best at g ≈ 1.5–2 and loses shape accuracy above (SD3's g = 7 over-sharpens small shapes).
    /// </summary>
    public double DefaultGuidance { get; init; } = 2.0;

    /// <summary>The distillation: teacher euler-cfg over the default steps, g drawn from [1, 4] around the default.</summary>
    public DistillationSettings Distillation { get; init; } = new()
    {
        Teacher = new SamplerSettings(SamplerKind.EulerCfg),
        Steps = SD3Pipeline.DefaultSteps,
        StepsPerTrajectory = 4,
        GuidanceMin = 1.0,
        GuidanceMax = 4.0,
        LearningRate = 1e-4,
        WeightDecay = 0,
        WarmupSteps = 20,
        Iterations = 600,
        BatchSize = 8,
        LatentHeight = 16,
        LatentWidth = 16,
        CheckpointInterval = 50,
        KeepCheckpoints = 1,
    };

    /// <summary>The whole recipe from random weights (about 2 hours on 2 CPU cores without the two-object scenes).</summary>
    public static TinyShapesRecipe Full { get; } = new();

    /// <summary>
    /// Fine-tunes the bundled model on the natural captions and two-object scenes: the teacher from its shipped weights
    /// with a lower peak learning rate and a seventeenth of the steps, then a short distillation from the fine-tuned
    /// teacher; checkpoints every 50 steps, so a shared machine loses little when the run is stopped.
    /// </summary>
    public static TinyShapesRecipe WarmStart { get; } = Full with
    {
        WarmStartFrom = "models/tiny-shapes",
        VaeSteps = 500,
        VaeLearningRate = 2e-4,
        ScenesPerCombination = 2,
        PairScenes = 4000,
        TeacherSteps = 600,
        TeacherLearningRate = 3e-4,
        TeacherWarmup = 50,
        CheckpointInterval = 50,
        Distillation = Full.Distillation with { Iterations = 100, WarmupSteps = 10, CheckpointInterval = 10 },
    };

    /// <summary>Every stage for a few steps: for tests of the command, not for quality.</summary>
    public static TinyShapesRecipe Smoke { get; } = new()
    {
        VaeSteps = 3,
        VaeBatch = 2,
        LatentStatisticsScenes = 4,
        ScenesPerCombination = 1,
        Combinations = 16,
        PairScenes = 4,
        TeacherSteps = 3,
        TeacherBatch = 4,
        TeacherWarmup = 1,
        CheckpointInterval = 2,
        InferenceSteps = 2,
        Distillation = Full.Distillation with { Steps = 2, StepsPerTrajectory = 1, Iterations = 2, BatchSize = 1, CheckpointInterval = 1, WarmupSteps = 0 },
    };

    /// <summary>The seen combinations this recipe trains on.</summary>
    public IReadOnlyList<ShapeAttributes> TrainingCombinations()
    {
        var seen = ShapeSplits.Combinations(ShapeSplit.Seen);
        if (Combinations is not { } count || count >= seen.Count) return seen;
        return Enumerable.Range(0, count).Select(i => seen[(int)((long)i * seen.Count / count)]).ToArray();
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        static void Positive(int value, string name)
        {
            if (value < 1) throw new ArgumentException($"{name} must be at least 1; got {value}.", name);
        }
        Positive(VaeSteps, nameof(VaeSteps));
        Positive(VaeBatch, nameof(VaeBatch));
        Positive(ScenesPerCombination, nameof(ScenesPerCombination));
        Positive(LatentStatisticsScenes, nameof(LatentStatisticsScenes));
        if (Combinations is { } count) Positive(count, nameof(Combinations));
        if (PairScenes < 0) throw new ArgumentException($"PairScenes must not be negative; got {PairScenes}.", nameof(PairScenes));
        if (!(NaturalCaptionShare is >= 0 and <= 1))
            throw new ArgumentException($"NaturalCaptionShare must lie in [0, 1]; got {NaturalCaptionShare}.", nameof(NaturalCaptionShare));
        if (!(VaeReuseAccuracy is >= 0 and <= 1))
            throw new ArgumentException($"VaeReuseAccuracy must lie in [0, 1]; got {VaeReuseAccuracy}.", nameof(VaeReuseAccuracy));
        Positive(TeacherSteps, nameof(TeacherSteps));
        Positive(TeacherBatch, nameof(TeacherBatch));
        Positive(CheckpointInterval, nameof(CheckpointInterval));
        Positive(InferenceSteps, nameof(InferenceSteps));
        if (!(CaptionDropout is > 0 and < 1))
            throw new ArgumentException($"CaptionDropout must lie in (0, 1) for guidance to work; got {CaptionDropout}.", nameof(CaptionDropout));
        if (!(DefaultGuidance >= Distillation.GuidanceMin && DefaultGuidance <= Distillation.GuidanceMax))
            throw new ArgumentException($"DefaultGuidance ({DefaultGuidance}) must lie in the distilled range.", nameof(DefaultGuidance));
        if (Distillation.Steps != InferenceSteps)
            throw new ArgumentException($"Distillation.Steps ({Distillation.Steps}) must equal InferenceSteps ({InferenceSteps}).", nameof(Distillation));
        Distillation.Validate();
    }
}
