using TeEFusion.Core.IO;
using TeEFusion.Core.TextEncoders;

namespace TeEFusion.Core.Tests.TextEncoders;

public class TextEncoderConfigTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("textencoder-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void ClipConfigReadsTransformersKeys()
    {
        var config = CLIPTextConfig.Load(TextEncoderFixture.Case("clip_gelu", "config.json"));
        Assert.Equal((32, 48, 3, 4, 14, 100, "gelu", 24, 7L), (config.HiddenSize, config.IntermediateSize,
            config.NumHiddenLayers, config.NumAttentionHeads, config.MaxPositionEmbeddings, config.VocabSize, config.HiddenAct,
            config.ProjectionDim, config.EosTokenId));
    }

    [Fact]
    public void ClipConfigRefusesUnknownActivationNamingFileAndField()
    {
        var path = Write("""{"hidden_size": 32, "num_attention_heads": 4, "hidden_act": "mish"}""");
        var error = Assert.Throws<ModelFormatException>(() => CLIPTextConfig.Load(path));
        Assert.Equal("hidden_act", error.Field);
        Assert.Contains(path, error.Message);
        Assert.Contains("'mish'", error.Message);
    }

    [Fact]
    public void ClipConfigRefusesHeadsThatDoNotDivideWidth()
    {
        var error = Assert.Throws<ArgumentException>(() => new CLIPTextConfig { HiddenSize = 30, NumAttentionHeads = 4 }.Validate());
        Assert.Equal("hidden_size", error.ParamName);
    }

    [Theory]
    [InlineData("gated-gelu", "gelu_new")]
    [InlineData("gated-silu", "silu")]
    public void T5GatedActivationsResolve(string proj, string act)
    {
        var config = new T5Config { FeedForwardProj = proj };
        config.Validate();
        Assert.Equal(act, config.DenseActFn);
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("gated-mish")]
    [InlineData("gated-gelu-extra")]
    public void T5ConfigRefusesUnsupportedFeedForward(string proj)
    {
        var path = Write($$"""{"d_model": 64, "feed_forward_proj": "{{proj}}"}""");
        var error = Assert.Throws<ModelFormatException>(() => T5Config.Load(path));
        Assert.Equal("feed_forward_proj", error.Field);
    }

    [Fact]
    public void T5ConfigReadsTransformersKeys()
    {
        var config = T5Config.Load(TextEncoderFixture.Case("t5_tiny", "config.json"));
        Assert.Equal((32, 8, 3, 40, 2, 8, 12), (config.DModel, config.DKv, config.NumHeads, config.DFf, config.NumLayers,
            config.RelativeAttentionNumBuckets, config.RelativeAttentionMaxDistance));
    }

    private string Write(string json)
    {
        var path = Path.Combine(_folder, "config.json");
        File.WriteAllText(path, json);
        return path;
    }
}
