using System.Text.Json;
using TeEFusion.Core.MMDiT;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.MMDiT;

/// <summary>state_dict() keys and shapes against lists written from diffusers' names (Fixtures/MMDiT/make_keys.py).</summary>
[Collection("Sequential")]
public class SD3TransformerKeysTests
{
    internal static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "MMDiT", name);

    [Fact]
    public void Sd3MediumKeysAndShapesEqualDiffusers()
    {
        // The meta device allocates no storage, so the 2B-parameter model costs shapes only.
        var config = SD3TransformerConfig.Load(Fixture("sd3_medium_config.json"));
        using var model = new SD3Transformer2DModel(config, device("meta"));
        AssertKeys("sd3_medium_keys.json", model);
    }

    [Fact]
    public void TinySd35KeysAndShapesEqualDiffusers()
    {
        var config = SD3TransformerConfig.Load(Fixture("tiny_sd35_config.json"));
        using var model = SD3Transformer2DModel.FromConfig(config);
        AssertKeys("tiny_sd35_keys.json", model);
    }

    [Fact]
    public void LastBlockIsContextPreOnly()
    {
        var config = SD3TransformerConfig.Load(Fixture("sd3_medium_config.json"));
        using var model = new SD3Transformer2DModel(config, device("meta"));
        var keys = model.state_dict().Keys.ToHashSet();
        Assert.Equal([3072L, 1536L], model.state_dict()["transformer_blocks.23.norm1_context.linear.weight"].shape);
        Assert.Equal([9216L, 1536L], model.state_dict()["transformer_blocks.22.norm1_context.linear.weight"].shape);
        Assert.Contains("transformer_blocks.23.attn.add_q_proj.weight", keys);
        Assert.Contains("transformer_blocks.22.attn.to_add_out.weight", keys);
        Assert.DoesNotContain(keys, k => k.StartsWith("transformer_blocks.23.attn.to_add_out", StringComparison.Ordinal));
        Assert.DoesNotContain(keys, k => k.StartsWith("transformer_blocks.23.ff_context", StringComparison.Ordinal));
        Assert.DoesNotContain(keys, k => k.StartsWith("transformer_blocks.23.norm2_context", StringComparison.Ordinal));
        Assert.DoesNotContain(keys, k => k.Contains("attn2", StringComparison.Ordinal) || k.Contains("norm_q", StringComparison.Ordinal));
    }

    [Fact]
    public void PosEmbedIsAFloat32BufferInTheStateDict()
    {
        var config = SD3TransformerConfig.Load(Fixture("sd3_medium_config.json"));
        using var model = new SD3Transformer2DModel(config, device("meta"));
        Assert.Single(model.named_buffers(), b => b.name == "pos_embed.pos_embed");
        Assert.Equal(ScalarType.Float32, model.state_dict()["pos_embed.pos_embed"].dtype);
    }

    private static void AssertKeys(string expectedFile, SD3Transformer2DModel model)
    {
        var expected = JsonSerializer.Deserialize<Dictionary<string, long[]>>(File.ReadAllText(Fixture(expectedFile)))!;
        var actual = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        Assert.Empty(expected.Keys.Except(actual.Keys).Order());
        Assert.Empty(actual.Keys.Except(expected.Keys).Order());
        var wrongShapes = expected
            .Where(kv => !kv.Value.SequenceEqual(actual[kv.Key]))
            .Select(kv => $"{kv.Key}: expected [{string.Join(",", kv.Value)}], got [{string.Join(",", actual[kv.Key])}]");
        Assert.Empty(wrongShapes);
    }
}
