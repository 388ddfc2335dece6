using TeEFusion.Core.Distillation;
using TeEFusion.Core.Pipelines;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Distillation;

public sealed class DistillationSettingsTests
{
    public static TheoryData<string, DistillationSettings> Invalid => new()
    {
        { "Teacher", new DistillationSettings { Teacher = new SamplerSettings(SamplerKind.Student) } },
        { "Rounds", new DistillationSettings { Teacher = new SamplerSettings(SamplerKind.ZSampling) { Rounds = 0 } } },
        { "LambdaStep", new DistillationSettings { Teacher = new SamplerSettings(SamplerKind.ZSampling) { LambdaStep = -1 } } },
        { "Steps", new DistillationSettings { Steps = 0 } },
        { "StepsPerTrajectory", new DistillationSettings { Steps = 4, StepsPerTrajectory = 5 } },
        { "GuidanceMin", new DistillationSettings { GuidanceMin = 6, GuidanceMax = 3 } },
        { "GuidanceMax", new DistillationSettings { GuidanceMax = double.PositiveInfinity } },
        { "GuidanceMin", new DistillationSettings { GuidanceMin = double.NaN } },
        { "Seed", new DistillationSettings { Seed = -1 } },
        { "LearningRate", new DistillationSettings { LearningRate = -1e-4 } },
        { "LearningRate", new DistillationSettings { LearningRate = 0 } },
        { "Beta1", new DistillationSettings { Beta1 = 1.0 } },
        { "Beta2", new DistillationSettings { Beta2 = -0.1 } },
        { "WeightDecay", new DistillationSettings { WeightDecay = -0.01 } },
        { "GradClipNorm", new DistillationSettings { GradClipNorm = 0 } },
        { "GradAccumulation", new DistillationSettings { GradAccumulation = 0 } },
        { "WarmupSteps", new DistillationSettings { WarmupSteps = -1 } },
        { "Iterations", new DistillationSettings { Iterations = 0 } },
        { "BatchSize", new DistillationSettings { BatchSize = 0 } },
        { "EmaDecay", new DistillationSettings { EmaDecay = 1.0 } },
        { "CfgTargetFraction", new DistillationSettings { CfgTargetFraction = 1.5 } },
        { "LatentHeight", new DistillationSettings { LatentHeight = 0 } },
        { "ComputeDType", new DistillationSettings { ComputeDType = ScalarType.Float16 } },
        { "CheckpointInterval", new DistillationSettings { CheckpointInterval = -5 } },
        { "KeepCheckpoints", new DistillationSettings { KeepCheckpoints = 0 } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_settings_name_the_field(string field, DistillationSettings settings)
    {
        var error = Assert.Throws<ArgumentException>(settings.Validate);
        Assert.Equal(field, error.ParamName);
        Assert.Contains(field, error.Message);
    }

    [Fact]
    public void Defaults_are_valid() => new DistillationSettings().Validate();
}
