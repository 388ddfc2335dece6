using TeEFusion.Core.Distillation;

namespace TeEFusion.Core.Tests.Distillation;

public sealed class DistillationKnobsTests
{
    // A valid value other than the default for every knob.
    private static readonly Dictionary<string, object> Samples = new()
    {
        ["sampler"] = "z-sampling", ["inversion_guidance"] = 0.5, ["lambda_step"] = 3, ["rounds"] = 2, ["steps"] = 12,
        ["steps_per_trajectory"] = 4, ["g_min"] = 2.5, ["g_max"] = 6.5, ["lr"] = 3e-4, ["weight_decay"] = 0.01, ["warmup_steps"] = 7,
        ["grad_clip_norm"] = 0.5, ["iterations"] = 9, ["batch_size"] = 3, ["checkpoint_interval"] = 4, ["seed"] = 11L,
        ["ema_decay"] = 0.99, ["compute_dtype"] = "bfloat16", ["activation_checkpointing"] = true, ["eval_interval"] = 5,
    };

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
        Assert.Equal(Samples.Keys.Order(), DistillationKnobs.All.Select(k => k.Field).Order());

        var settings = DistillationKnobs.Resolve(k => Samples[k.Field], out var errors);

        Assert.Empty(errors);
        Assert.All(DistillationKnobs.All, k =>
        {
            Assert.Equal(Samples[k.Field], k.Read(settings!));
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
