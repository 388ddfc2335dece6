using TeEFusion.Core.IO;
using TeEFusion.Core.MMDiT;

namespace TeEFusion.Core.Tests.MMDiT;

public sealed class SD3TransformerConfigTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("sd3-config-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void ReadsTheSd3MediumTeEFusionConfig()
    {
        var config = SD3TransformerConfig.Load(SD3TransformerKeysTests.Fixture("sd3_medium_config.json"));
        Assert.Equal(("SD3Transformer2DModel", "0.32.2"), (config.DiffusersClassName, config.DiffusersVersion));
        Assert.Equal((128, 2, 16, 24), (config.SampleSize, config.PatchSize, config.InChannels, config.NumLayers));
        Assert.Equal((64, 24, 1536), (config.AttentionHeadDim, config.NumAttentionHeads, config.InnerDim));
        Assert.Equal((4096, 1536, 2048), (config.JointAttentionDim, config.CaptionProjectionDim, config.PooledProjectionDim));
        Assert.Equal((16, 192), (config.OutChannels, config.PosEmbedMaxSize));
        Assert.Empty(config.DualAttentionLayers);
        Assert.Null(config.QkNorm);
        Assert.Equal((false, true), (config.Guidance, config.TxtAlignGuidance));
    }

    [Fact]
    public void MissingFieldsTakeDiffusersDefaults()
    {
        var config = SD3TransformerConfig.Load(Write("{}"));
        Assert.Equal((128, 2, 16, 18, 64, 18), (config.SampleSize, config.PatchSize, config.InChannels, config.NumLayers,
            config.AttentionHeadDim, config.NumAttentionHeads));
        Assert.Equal((4096, 1152, 2048, 16, 96), (config.JointAttentionDim, config.CaptionProjectionDim,
            config.PooledProjectionDim, config.OutChannels, config.PosEmbedMaxSize));
        Assert.Equal((false, false), (config.Guidance, config.TxtAlignGuidance));
    }

    [Fact]
    public void NullOutChannelsMeansInChannels()
    {
        var config = SD3TransformerConfig.Load(Write("""{"out_channels": null, "in_channels": 8}"""));
        Assert.Equal(8, config.ResolvedOutChannels);
    }

    [Theory]
    [InlineData("""{"guidance": true, "txt_align_guidance": true}""", "guidance and txt_align_guidance are both true", "txt_align_guidance")]
    [InlineData("""{"qk_norm": "layer_norm"}""", "qk_norm is 'layer_norm'; allowed values: null, \"rms_norm\"", "qk_norm")]
    [InlineData("""{"dual_attention_layers": [0, 18]}""", "dual_attention_layers holds 18; allowed: block indices 0..17", "dual_attention_layers")]
    [InlineData("""{"caption_projection_dim": 1536}""", "caption_projection_dim is 1536; it must equal num_attention_heads·attention_head_dim = 1152", "caption_projection_dim")]
    [InlineData("""{"patch_size": 0}""", "patch_size is 0; it must be positive", "patch_size")]
    [InlineData("""{"_class_name": "FluxTransformer2DModel"}""", "_class_name is 'FluxTransformer2DModel'; expected 'SD3Transformer2DModel'", "_class_name")]
    public void InvalidConfigsNameTheFieldAndTheAllowedValues(string json, string message, string field)
    {
        var path = Write(json);
        var error = Assert.Throws<ModelFormatException>(() => SD3TransformerConfig.Load(path));
        Assert.Contains(message, error.Message);
        Assert.Equal(field, error.Field);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void ConstructorValidatesToo() =>
        Assert.Contains("both true", Assert.Throws<ArgumentException>(
            () => new SD3Transformer2DModel(new SD3TransformerConfig { Guidance = true, TxtAlignGuidance = true })).Message);

    private string Write(string json)
    {
        var path = Path.Combine(directory, "config.json");
        File.WriteAllText(path, json);
        return path;
    }
}
