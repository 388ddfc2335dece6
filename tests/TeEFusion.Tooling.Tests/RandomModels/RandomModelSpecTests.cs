using System.Text.Json;
using System.Text.Json.Nodes;
using TeEFusion.Core.MMDiT;
using TeEFusion.Core.TextEncoders;
using TeEFusion.Core.Tokenizers;
using TeEFusion.Tooling.RandomModels;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.Tests.RandomModels;

/// <summary>Preset configurations: SD3-medium's against the facts-file fixtures, the small ones for SD3's wiring.</summary>
[Collection("Sequential")]
public sealed class RandomModelSpecTests : IDisposable
{
    private static readonly Device Meta = torch.device("meta");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "teefusion-spec-" + Guid.NewGuid().ToString("N"));
    private readonly RandomModelSpec _sd3 = RandomModelSpec.For(RandomModelPreset.Sd3Medium);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    // The config as the writer serialises it, parsed back.
    private JsonObject Written<T>(T config)
    {
        var path = Path.Combine(_root, Guid.NewGuid().ToString("N") + ".json");
        PretrainedJson.WriteConfig(path, config);
        return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
    }

    [Fact]
    public void Sd3MediumTransformerConfigIsTheFactsFileConfig()
    {
        var expected = JsonNode.Parse(File.ReadAllText(Fixture("MMDiT", "sd3_medium_config.json")));
        var actual = Written(_sd3.Transformer);
        Assert.True(JsonNode.DeepEquals(expected, actual), actual.ToJsonString());
    }

    [Fact]
    public void Sd3MediumConfigsHaveTheReleasedCheckpointsFileSizes()
    {
        // Facts §4: the HF tree of AIDC-AI/TeEFusion lists transformer/config.json at 468 B and
        // scheduler/scheduler_config.json at 482 B; diffusers' sorted, indent-2 dump of these configs has those sizes.
        var transformer = Path.Combine(_root, "transformer.json");
        var scheduler = Path.Combine(_root, "scheduler.json");
        PretrainedJson.WriteConfig(transformer, _sd3.Transformer);
        PretrainedJson.WriteConfig(scheduler, _sd3.Scheduler);
        Assert.Equal(468, new FileInfo(transformer).Length);
        Assert.Equal(482, new FileInfo(scheduler).Length);
        Assert.Contains("\"shift\": 3.0,", File.ReadAllText(scheduler));
    }

    [Fact]
    public void Sd3MediumVaeConfigIsTheSd3VaeConfig()
    {
        var expected = JsonNode.Parse(File.ReadAllText(Fixture("Vae", "sd3_vae_config.json")))!.AsObject();
        var actual = Written(_sd3.Vae);
        // The fixture is SD3's own file, saved by a development diffusers; the writer stamps the version it targets.
        expected.Remove("_diffusers_version");
        Assert.Equal("0.32.2", actual["_diffusers_version"]!.GetValue<string>());
        actual.Remove("_diffusers_version");
        Assert.True(JsonNode.DeepEquals(expected, actual), actual.ToJsonString());
    }

    [Fact]
    public void Sd3MediumModulesHaveTheFixtureKeysAndShapes()
    {
        using (var transformer = new SD3Transformer2DModel(_sd3.Transformer, Meta))
            AssertKeys(Fixture("MMDiT", "sd3_medium_keys.json"), transformer);
        using (var clipL = new CLIPTextModelWithProjection(_sd3.TextEncoder, Meta))
            AssertKeys(Fixture("TextEncoders", "keys_clip_l.json"), clipL);
        using (var clipG = new CLIPTextModelWithProjection(_sd3.TextEncoder2, Meta))
            AssertKeys(Fixture("TextEncoders", "keys_clip_bigg.json"), clipG);
        using (var t5 = new T5EncoderModel(_sd3.TextEncoder3, Meta))
            AssertKeys(Fixture("TextEncoders", "keys_t5_xxl.json"), t5);
    }

    [Fact]
    public void Sd3MediumEncoderSettingsAreSd3s()
    {
        Assert.Equal(("quick_gelu", "gelu", "gated-gelu"), (_sd3.TextEncoder.HiddenAct, _sd3.TextEncoder2.HiddenAct, _sd3.TextEncoder3.FeedForwardProj));
        Assert.Equal((49408, 49408, 32128), (_sd3.TextEncoder.VocabSize, _sd3.TextEncoder2.VocabSize, _sd3.TextEncoder3.VocabSize));
        Assert.Equal((77, 2L, 1L, 0L), (_sd3.TextEncoder.MaxPositionEmbeddings, _sd3.TextEncoder.EosTokenId, _sd3.TextEncoder3.EosTokenId, _sd3.TextEncoder3.PadTokenId));
        Assert.Equal((3.0, 1000), (_sd3.Scheduler.Shift, _sd3.Scheduler.NumTrainTimesteps));
        Assert.Equal(1024, _sd3.ImageSize);
    }

    [Theory]
    [InlineData(RandomModelPreset.Tiny, 32, 2)]
    [InlineData(RandomModelPreset.Small, 256, 8)]
    [InlineData(RandomModelPreset.Sd3Medium, 1024, 8)]
    public void PresetsKeepSd3sWiring(RandomModelPreset preset, int imageSize, int vaeFactor)
    {
        var spec = RandomModelSpec.For(preset);
        Assert.Equal((imageSize, vaeFactor), (spec.ImageSize, spec.Vae.DownsampleFactor));
        Assert.True(spec.TextEncoder.HiddenSize + spec.TextEncoder2.HiddenSize <= spec.Transformer.JointAttentionDim);
        Assert.Equal(spec.Transformer.PooledProjectionDim, spec.TextEncoder.ProjectionDim + spec.TextEncoder2.ProjectionDim);
        Assert.Equal(spec.Transformer.JointAttentionDim, spec.TextEncoder3.DModel);
        Assert.Equal(spec.Transformer.InChannels, spec.Vae.LatentChannels);
        Assert.Equal(imageSize / vaeFactor, spec.Transformer.SampleSize);
        Assert.True(spec.Transformer.TxtAlignGuidance);
        // The default image's patch grid must fit the position table.
        Assert.True(spec.Transformer.SampleSize / spec.Transformer.PatchSize <= spec.Transformer.PosEmbedMaxSize);
        // The shipped SentencePiece model's pieces must all have an embedding row.
        using var model = TokenizerFolders.OpenT5Model();
        var path = Path.Combine(_root, $"{preset}.model");
        Directory.CreateDirectory(_root);
        using (var file = File.Create(path)) model.CopyTo(file);
        Assert.True(SentencePieceModelFile.Read(path).PieceCount <= spec.TextEncoder3.VocabSize);
    }

    [Theory]
    [InlineData("tiny", RandomModelPreset.Tiny)]
    [InlineData("Small", RandomModelPreset.Small)]
    [InlineData("sd3-medium", RandomModelPreset.Sd3Medium)]
    public void PresetNamesParseAndRoundTrip(string name, RandomModelPreset preset)
    {
        Assert.Equal(preset, RandomModelPresets.Parse(name));
        Assert.Equal(name.ToLowerInvariant(), RandomModelPresets.Name(preset));
    }

    [Theory]
    [InlineData("huge")]
    [InlineData("sd3_medium")]
    [InlineData("")]
    [InlineData(null)]
    public void UnknownPresetNamesAreRefusedListingTheValidOnes(string? name)
    {
        Assert.False(RandomModelPresets.TryParse(name, out _));
        var error = Assert.Throws<ArgumentException>(() => RandomModelPresets.Parse(name));
        Assert.Contains("tiny, tiny-sd3, tiny-sd35, small, tiny-shapes, sd3-medium", error.Message);
    }

    private static void AssertKeys(string listFile, nn.Module module)
    {
        var expected = JsonSerializer.Deserialize<Dictionary<string, long[]>>(File.ReadAllText(listFile))!;
        var actual = module.state_dict().ToDictionary(pair => pair.Key, pair => pair.Value.shape);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, shape) in expected)
            Assert.True(shape.SequenceEqual(actual[key]), $"{Path.GetFileName(listFile)} {key}: expected [{string.Join(", ", shape)}], got [{string.Join(", ", actual[key])}]");
    }
}
