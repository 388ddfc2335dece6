using TeEFusion.Core.IO;
using TeEFusion.Core.Vae;

namespace TeEFusion.Core.Tests.Vae;

public class AutoencoderKLConfigTests
{
    [Fact]
    public void LoadsTheSd3Config()
    {
        var config = AutoencoderKLConfig.Load(VaeFixture.PathOf("sd3_vae_config.json"));
        Assert.Equal("AutoencoderKL", config.ClassName);
        Assert.Equal([128, 256, 512, 512], config.BlockOutChannels);
        Assert.Equal((2, 16, 32, 1024), (config.LayersPerBlock, config.LatentChannels, config.NormNumGroups, config.SampleSize));
        Assert.Equal((1.5305, 0.0609), (config.ScalingFactor, config.ShiftFactor));
        Assert.True(config.ForceUpcast);
        Assert.False(config.UseQuantConv);
        Assert.False(config.UsePostQuantConv);
        Assert.True(config.MidBlockAddAttention);
        Assert.Null(config.LatentsMean);
        Assert.Equal(8, config.DownsampleFactor);
    }

    [Fact]
    public void MissingKeysTakeDiffusersDefaults()
    {
        var path = WriteTemp("""{ "_class_name": "AutoencoderKL" }""");
        var config = AutoencoderKLConfig.Load(path);
        Assert.Equal([64], config.BlockOutChannels);
        Assert.Equal((1, 4, 0.18215), (config.LayersPerBlock, config.LatentChannels, config.ScalingFactor));
        Assert.Null(config.ShiftFactor);
        Assert.True(config.UseQuantConv && config.UsePostQuantConv && config.ForceUpcast && config.MidBlockAddAttention);
    }

    [Theory]
    [InlineData("down_block_types", "\"down_block_types\": [\"DownEncoderBlock2D\", \"AttnDownEncoderBlock2D\"]", "AttnDownEncoderBlock2D")]
    [InlineData("up_block_types", "\"up_block_types\": [\"UpDecoderBlock2D\"]", "lists 1 blocks")]
    [InlineData("act_fn", "\"act_fn\": \"tanh\"", "'tanh' is not supported")]
    [InlineData("block_out_channels", "\"block_out_channels\": [8, 18]", "norm_num_groups = 4")]
    [InlineData("_class_name", "\"_class_name\": \"AutoencoderTiny\"", "AutoencoderTiny")]
    [InlineData("scaling_factor", "\"scaling_factor\": 0", "positive")]
    public void RejectsWhatItCannotBuild(string field, string entry, string message)
    {
        var json = $$"""
            { "block_out_channels": [8, 16], "norm_num_groups": 4,
              "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D"],
              "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D"], {{entry}} }
            """;
        var path = WriteTemp(json);
        var error = Assert.Throws<ModelFormatException>(() => AutoencoderKLConfig.Load(path));
        Assert.Equal(field, error.Field);
        Assert.Equal(path, error.File);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        var error = Assert.Throws<ModelFormatException>(() => AutoencoderKLConfig.Load("/nonexistent/vae/config.json"));
        Assert.Contains("/nonexistent/vae/config.json", error.Message);
    }

    private static string WriteTemp(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"vae-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
