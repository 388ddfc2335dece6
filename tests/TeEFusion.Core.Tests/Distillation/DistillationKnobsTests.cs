using TeEFusion.Core.Distillation;
using TeEFusion.Tests.Shared;

namespace TeEFusion.Core.Tests.Distillation;

public sealed class DistillationKnobsTests
{
    [Fact]
    public void Fields_and_options_are_unique()
    {
        Assert.Equal(DistillationKnobs.All.Count, DistillationKnobs.All.Select(k => k.Field).Distinct().Count());
        Assert.Equal(DistillationKnobs.All.Count, DistillationKnobs.All.Select(k => k.Option).Distinct().Count());
        Assert.All(DistillationKnobs.All, k => Assert.StartsWith("--", k.Option));
    }

    [Fact]
    public void No_value_gives_the_default_settings()
    {
        Assert.Equal(DistillationKnobs.Defaults, DistillationKnobs.Resolve(_ => null, out var errors));
        Assert.Empty(errors);
    }

    [Fact]
    public void Every_knob_reaches_the_settings()
    {
        Assert.Equal(DistillationKnobSamples.ByField.Keys.Order(), DistillationKnobs.All.Select(k => k.Field).Order());

        var settings = DistillationKnobs.Resolve(k => DistillationKnobSamples.ByField[k.Field], out var errors);

        Assert.Empty(errors);
        Assert.All(DistillationKnobs.All, k =>
        {
            Assert.Equal(DistillationKnobSamples.ByField[k.Field], k.Read(settings!));
            Assert.NotEqual(k.Default, k.Read(settings!));
        });
    }

    [Theory]
    [InlineData("lr", -1.0, "LearningRate")]
    [InlineData("rounds", 0, "Rounds")]
    [InlineData("lambda_step", -1, "LambdaStep")]
    [InlineData("weight_decay", -0.5, "WeightDecay")]
    [InlineData("steps_per_trajectory", 99, "StepsPerTrajectory")]
    [InlineData("eval_interval", -1, "EvalInterval")]
    [InlineData("compute_dtype", "float16", "ComputeDType")]
    [InlineData("compute_dtype", "int8", "Unknown dtype 'int8'")]
    [InlineData("sampler", "dpm", "Unknown sampler 'dpm'")]
    [InlineData("sampler", "student", "teacher")]
    public void A_refused_value_is_an_error_of_its_knob(string field, object value, string message)
    {
        var settings = DistillationKnobs.Resolve(k => k.Field == field ? value : null, out var errors);

        Assert.Null(settings);
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Knob?.Field);
        Assert.Contains(message, error.Message);
    }
}
