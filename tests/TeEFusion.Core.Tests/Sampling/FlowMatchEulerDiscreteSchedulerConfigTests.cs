using TeEFusion.Core.IO;
using TeEFusion.Core.Sampling;

namespace TeEFusion.Core.Tests.Sampling;

public class FlowMatchEulerDiscreteSchedulerConfigTests
{
    [Fact]
    public void LoadsSd3MediumConfigAndKeepsDiffusersDefaults()
    {
        var path = Write("""{"_class_name": "FlowMatchEulerDiscreteScheduler", "_diffusers_version": "0.29.0.dev0", "num_train_timesteps": 1000, "shift": 3.0}""");
        var config = FlowMatchEulerDiscreteSchedulerConfig.Load(path);
        Assert.Equal(3.0, config.Shift);
        Assert.Equal(1000, config.NumTrainTimesteps);
        Assert.Equal("0.29.0.dev0", config.DiffusersVersion);
        Assert.False(config.UseDynamicShifting);
        Assert.Equal(0.5, config.BaseShift);
        Assert.Equal(1.15, config.MaxShift);
        Assert.Equal(256, config.BaseImageSeqLen);
        Assert.Equal(4096, config.MaxImageSeqLen);
        Assert.Null(config.ShiftTerminal);
        Assert.Equal("exponential", config.TimeShiftType);
    }

    [Theory]
    [InlineData("use_karras_sigmas", "true")]
    [InlineData("use_exponential_sigmas", "true")]
    [InlineData("use_beta_sigmas", "true")]
    [InlineData("invert_sigmas", "true")]
    [InlineData("stochastic_sampling", "true")]
    [InlineData("time_shift_type", "\"cosine\"")]
    [InlineData("shift", "0")]
    [InlineData("shift_terminal", "1.5")]
    [InlineData("_class_name", "\"EulerDiscreteScheduler\"")]
    public void RefusesUnsupportedFieldsByName(string field, string value)
    {
        var path = Write($$"""{"shift": 3.0, "{{field}}": {{value}}}""");
        var error = Assert.Throws<ModelFormatException>(() => FlowMatchEulerDiscreteSchedulerConfig.Load(path));
        Assert.Contains($"'{field}'", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void CalculateShiftInterpolatesMuLinearlyInTokens()
    {
        var config = new FlowMatchEulerDiscreteSchedulerConfig { UseDynamicShifting = true };
        Assert.Equal(0.5, config.CalculateShift(256), 12);
        Assert.Equal(1.15, config.CalculateShift(4096), 12);
        Assert.Equal(0.5 + 0.65 * (1024 - 256) / 3840.0, config.CalculateShift(1024), 12);
        Assert.Throws<InvalidOperationException>(() => new FlowMatchEulerDiscreteSchedulerConfig().CalculateShift(1024));
    }

    private static string Write(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"scheduler_config_{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
