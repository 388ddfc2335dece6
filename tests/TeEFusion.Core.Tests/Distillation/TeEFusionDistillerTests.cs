using TeEFusion.Core.Distillation;
using TeEFusion.Core.IO;
using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Pipelines;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Distillation;

[Collection("Sequential")]
public sealed class TeEFusionDistillerTests(DistillationFixture fixture, ITestOutputHelper output) : IClassFixture<DistillationFixture>
{
    private DistillationSettings Tiny(int iterations, long seed = 7) => new()
    {
        Steps = 4,
        GuidanceMin = 2.0,
        GuidanceMax = 6.0,
        Seed = seed,
        LearningRate = 2e-3,
        WeightDecay = 0.0,
        GradClipNorm = 1.0,
        WarmupSteps = 2,
        Iterations = iterations,
        BatchSize = 2,
        LatentHeight = fixture.LatentSize,
        LatentWidth = fixture.LatentSize,
        CheckpointInterval = 0,
    };

    [Fact]
    public void A_short_run_lowers_the_loss_and_brings_the_student_closer_to_the_teacher()
    {
        var settings = Tiny(iterations: 40);
        using var distiller = fixture.NewDistiller(settings);
        using var evaluator = new DistillationEvaluator(fixture.Components.Transformer, fixture.Components.Scheduler, fixture.HeldOut,
            settings.Teacher, settings.Steps, guidance: 4.0, seeds: [11, 12], settings.LatentHeight, settings.LatentWidth, fixture.Components.Vae);
        var before = evaluator.Evaluate(distiller.Student);
        distiller.StepToEnd();
        var after = evaluator.Evaluate(distiller.Student);

        var losses = distiller.LossHistory;
        var first = losses.Take(5).Average();
        var last = losses.TakeLast(5).Average();
        output.WriteLine($"loss first5 {first:G4} last5 {last:G4}; eval MSE before {before.LatentMse:G4} after {after.LatentMse:G4}; "
            + $"PSNR before {before.ImagePsnr:F2} dB after {after.ImagePsnr:F2} dB; ms/image student {after.StudentMsPerImage:F1} "
            + $"teacher {after.TeacherMsPerImage:F1} decode {after.DecodeMsPerImage:F1}");
        Assert.Equal(40, losses.Count);
        Assert.True(last < 0.7 * first, $"loss {first} → {last}");
        Assert.True(after.LatentMse < 0.7 * before.LatentMse, $"eval MSE {before.LatentMse} → {after.LatentMse}");
        Assert.Equal(settings.Steps, after.StudentPassesPerImage);
        Assert.Equal(2 * settings.Steps, after.TeacherPassesPerImage);
        Assert.True(after.StudentMilliseconds > 0 && after.TeacherMilliseconds > 0);
        Assert.Equal(4, after.Images); // 2 prompts × 2 seeds
        Assert.Equal(after.StudentMilliseconds / 4, after.StudentMsPerImage);
        Assert.True(after.ImagePsnr > before.ImagePsnr + 1.0, $"PSNR {before.ImagePsnr} → {after.ImagePsnr} dB");
        Assert.InRange(before.ImagePsnr!.Value, 0.0, DistillationEvaluator.MaxPsnr - 1);
        Assert.True(after.DecodeMsPerImage > 0);
    }

    [Fact]
    public void Resuming_from_a_checkpoint_gives_the_uninterrupted_result()
    {
        var settings = Tiny(iterations: 4) with { CheckpointInterval = 2, GradAccumulation = 2, StepsPerTrajectory = 2, EmaDecay = 0.5 };
        using var straight = fixture.NewDistiller(settings);
        straight.StepToEnd();

        var run = fixture.CheckpointAfter(settings, steps: 2);
        Assert.EndsWith("checkpoint-0000002", run.LatestCheckpoint());
        var changed = Assert.Throws<ArgumentException>(() =>
            TeEFusionDistiller.Resume(run, fixture.Components.Transformer, fixture.Components.Scheduler, fixture.Train, settings with { Seed = 99 }));
        Assert.Equal("settings", changed.ParamName);
        using var resumed = TeEFusionDistiller.Resume(run, fixture.Components.Transformer, fixture.Components.Scheduler, fixture.Train, settings);
        Assert.Equal(2, resumed.Iteration);
        resumed.StepToEnd();

        Assert.Equal(4, resumed.Iteration);
        Assert.Equal(straight.LossHistory, resumed.LossHistory);
        var diff = MaxAbsDifference(straight.Student, resumed.Student);
        output.WriteLine($"max |Δw| straight vs resumed: {diff:G3}");
        Assert.True(diff <= 1e-6, $"max |Δw| {diff}");
        Assert.True(MaxAbsDifference(straight.Student, fixture.Components.Transformer) > 1e-4, "the run changed nothing");
        using var straightEma = straight.ExportStudent();
        using var resumedEma = resumed.ExportStudent();
        Assert.True(MaxAbsDifference(straightEma, resumedEma) <= 1e-6);
        Assert.True(MaxAbsDifference(straightEma, straight.Student) > 1e-6, "the EMA equals the raw weights");
    }

    [Fact]
    public void The_final_checkpoint_is_a_student_transformer_folder_that_loads()
    {
        var settings = Tiny(iterations: 3) with { CheckpointInterval = 1, KeepCheckpoints = 2 };
        var run = new DistillationRunFolder(fixture.NewRunDirectory());
        using var distiller = fixture.NewDistiller(settings);
        for (var i = 0; i < 3; i++)
        {
            distiller.Step();
            DistillationCheckpoint.Save(run, distiller);
        }
        Assert.Equal(["checkpoint-0000002", "checkpoint-0000003"],
            Directory.GetDirectories(run.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var folder = Path.Combine(run.LatestCheckpoint()!, DistillationCheckpoint.TransformerFolder);
        var config = SD3TransformerConfig.Load(Path.Combine(folder, "config.json"));
        Assert.True(config.TxtAlignGuidance);
        using var loaded = new SD3Transformer2DModel(config);
        StateDictLoader.Load(loaded, folder);
        Assert.Equal(0.0, MaxAbsDifference(loaded, distiller.Student));
    }

    [Fact]
    public void Runs_with_the_same_seed_are_identical_and_other_seeds_differ()
    {
        using var a = fixture.NewDistiller(Tiny(iterations: 2) with { CfgTargetFraction = 0.5 });
        using var b = fixture.NewDistiller(Tiny(iterations: 2) with { CfgTargetFraction = 0.5 });
        using var c = fixture.NewDistiller(Tiny(iterations: 2, seed: 8) with { CfgTargetFraction = 0.5 });
        a.StepToEnd();
        b.StepToEnd();
        c.StepToEnd();
        Assert.Equal(0.0, MaxAbsDifference(a.Student, b.Student));
        Assert.True(MaxAbsDifference(a.Student, c.Student) > 1e-6);
    }

    [Fact]
    public void A_z_sampling_teacher_trains_with_reflected_targets()
    {
        var settings = Tiny(iterations: 2) with { Teacher = new SamplerSettings(SamplerKind.ZSampling), StepsPerTrajectory = 1 };
        using var distiller = fixture.NewDistiller(settings);
        distiller.StepToEnd();
        Assert.All(distiller.LossHistory, loss => Assert.True(double.IsFinite(loss) && loss > 0));
    }

    [Fact]
    public void Steps_do_not_leak_tensors()
    {
        using var distiller = fixture.NewDistiller(Tiny(iterations: 10) with { GradAccumulation = 2 });
        distiller.Step();
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 3; i++) distiller.Step();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    private static double MaxAbsDifference(nn.Module a, nn.Module b)
    {
        using var scope = NewDisposeScope();
        var right = b.state_dict();
        return a.state_dict().Max(entry => (entry.Value - right[entry.Key]).abs().max().item<float>());
    }
}
