using System.Diagnostics;
using System.Text.Json;
using TeEFusion.Core.TextEncoders;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.TextEncoders;

/// <summary>
/// The SD3 encoders at full size, built on the `meta` device (shapes without storage), against key → shape lists that
/// make_fixtures.py writes from the facts file.
/// </summary>
[Collection("Sequential")]
public class FullSizeStateDictTests(ITestOutputHelper output)
{
    private static readonly Device Meta = torch.device("meta");

    public static CLIPTextConfig ClipL { get; } = new()
    {
        HiddenSize = 768, IntermediateSize = 3072, NumHiddenLayers = 12, NumAttentionHeads = 12, ProjectionDim = 768,
        HiddenAct = "quick_gelu", EosTokenId = 2,
    };

    public static CLIPTextConfig ClipBigG { get; } = new()
    {
        HiddenSize = 1280, IntermediateSize = 5120, NumHiddenLayers = 32, NumAttentionHeads = 20, ProjectionDim = 1280,
        HiddenAct = "gelu", EosTokenId = 2,
    };

    public static T5Config T5Xxl { get; } = new()
    {
        DModel = 4096, NumLayers = 24, NumHeads = 64, DKv = 64, DFf = 10240, VocabSize = 32128, FeedForwardProj = "gated-gelu",
    };

    [Fact]
    public void ClipLKeysAndShapes() => AssertMatches("keys_clip_l.json", new CLIPTextModelWithProjection(ClipL, Meta));

    [Fact]
    public void ClipBigGKeysAndShapes() => AssertMatches("keys_clip_bigg.json", new CLIPTextModelWithProjection(ClipBigG, Meta));

    [Fact]
    public void T5XxlKeysAndShapes() => AssertMatches("keys_t5_xxl.json", new T5EncoderModel(T5Xxl, Meta));

    private void AssertMatches(string listFile, nn.Module module)
    {
        var clock = Stopwatch.StartNew();
        using (module)
        {
            var expected = JsonSerializer.Deserialize<Dictionary<string, long[]>>(
                File.ReadAllText(Path.Combine(TextEncoderFixture.Folder, listFile)))!;
            var actual = module.state_dict().ToDictionary(pair => pair.Key, pair => pair.Value.shape);

            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
            foreach (var (key, shape) in expected) Assert.True(shape.SequenceEqual(actual[key]), $"{key}: expected [{string.Join(", ", shape)}], got [{string.Join(", ", actual[key])}]");
            Assert.All(module.parameters(), p => Assert.Equal(DeviceType.META, p.device_type));
            output.WriteLine($"{listFile}: {expected.Count} keys, {clock.ElapsedMilliseconds} ms");
        }
    }
}
