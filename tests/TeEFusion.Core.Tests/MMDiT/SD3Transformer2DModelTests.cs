using TeEFusion.Core.MMDiT;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.MMDiT;

/// <summary>Behaviour of the full model that needs no reference values: batching, per-sample conditioning, skip_layers.</summary>
[Collection("Sequential")]
public class SD3Transformer2DModelTests
{
    [Fact]
    public void OutputHasTheLatentShape()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var config = TinyModels.TeEFusion();
        using var model = TinyModels.Create(config);
        var output = model.call(TinyModels.Sample(config, 1, 500f, 5000f));
        Assert.Equal([1L, 4L, 12L, 6L], output.shape);
    }

    [Fact]
    public void SampleInsideABatchEqualsSampleAlone()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var config = TinyModels.TeEFusion();
        using var model = TinyModels.Create(config);
        var samples = new[]
        {
            TinyModels.Sample(config, 1, 937.5f, 4992f), TinyModels.Sample(config, 2, 10f, 1000f),
            TinyModels.Sample(config, 3, 500f, 0f), TinyModels.Sample(config, 4, 250f, 7000f),
        };
        var batched = model.call(TinyModels.Batch(samples));
        for (var i = 0; i < samples.Length; i++)
        {
            var alone = model.call(samples[i]);
            Assert.True(TinyModels.RelativeError(batched[i].unsqueeze(0), alone) <= 1e-5, $"sample {i} differs inside the batch");
        }
    }

    [Fact]
    public void TxtAlignGuidanceActsPerSample()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var config = TinyModels.TeEFusion();
        using var model = TinyModels.Create(config);
        var low = TinyModels.Sample(config, 1, 500f, 1000f);
        var high = low with { TxtAlignGuidance = tensor(new[] { 7000f }) };
        var pair = TinyModels.Batch(low, high);
        var output = model.call(pair);
        Assert.True(TinyModels.RelativeError(output[0].unsqueeze(0), model.call(low)) <= 1e-5);
        Assert.True(TinyModels.RelativeError(output[1].unsqueeze(0), model.call(high)) <= 1e-5);
        // Same latents, prompt and timestep: only the guidance differs, and it must reach the output.
        Assert.True(TinyModels.RelativeError(output[0], output[1]) > 1e-3);
    }

    [Fact]
    public void SkippingABlockEqualsAModelWithoutIt()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var full = TinyModels.Create(TinyModels.TeEFusion(layers: 3));
        using var pruned = SD3Transformer2DModel.FromConfig(TinyModels.TeEFusion(layers: 2));
        var weights = full.state_dict();
        var renamed = weights
            .Where(kv => !kv.Key.StartsWith("transformer_blocks.1.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key.Replace("transformer_blocks.2.", "transformer_blocks.1.", StringComparison.Ordinal), kv => kv.Value);
        pruned.load_state_dict(renamed, strict: true);

        var input = TinyModels.Sample(full.Config, 1, 500f, 5000f);
        var skipped = full.call(input with { SkipLayers = new HashSet<int> { 1 } });
        Assert.True(TinyModels.RelativeError(skipped, pruned.call(input)) <= 1e-6);
        Assert.True(TinyModels.RelativeError(skipped, full.call(input)) > 1e-3);
    }

    [Fact]
    public void ForwardLeavesOnlyItsOutputAlive()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var config = TinyModels.TeEFusion();
        using var model = TinyModels.Create(config);
        var input = TinyModels.Sample(config, 1, 500f, 5000f);
        model.call(input).Dispose(); // warm-up: lazily created tensors do not count as a leak
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var output = model.call(input);
        Assert.Equal(before + 1, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        output.Dispose();
    }

    [Fact]
    public void TeEFusionInputsAreRequiredExactlyWhenConfigured()
    {
        using var scope = NewDisposeScope();
        var config = TinyModels.TeEFusion(layers: 2);
        using var model = SD3Transformer2DModel.FromConfig(config);
        var input = TinyModels.Sample(config, 1, 500f, 5000f);
        var missing = Assert.Throws<ArgumentException>(() => model.call(input with { TxtAlignVec = null }));
        Assert.Contains("txt_align_guidance", missing.Message);

        var plainConfig = new SD3TransformerConfig
        {
            SampleSize = 12, PatchSize = 2, InChannels = 4, NumLayers = 2, AttentionHeadDim = 8, NumAttentionHeads = 2,
            JointAttentionDim = 12, CaptionProjectionDim = 16, PooledProjectionDim = 10, PosEmbedMaxSize = 16,
        };
        using var plain = SD3Transformer2DModel.FromConfig(plainConfig);
        var unexpected = Assert.Throws<ArgumentException>(() => plain.call(input));
        Assert.Contains("txt_align_guidance = false", unexpected.Message);
        var guidance = Assert.Throws<ArgumentException>(() => plain.call(input with { TxtAlignGuidance = null, TxtAlignVec = null, Guidance = tensor(new[] { 1f }) }));
        Assert.Contains("guidance = false", guidance.Message);
    }

    [Theory]
    [InlineData(11, 6, "not a multiple of patch_size")]
    [InlineData(34, 6, "larger than pos_embed_max_size 16")]
    [InlineData(12, 34, "larger than pos_embed_max_size 16")]
    public void BadLatentSizesAreRejectedWithTheReason(int height, int width, string reason)
    {
        using var scope = NewDisposeScope();
        var config = TinyModels.TeEFusion(layers: 2);
        using var model = SD3Transformer2DModel.FromConfig(config);
        var input = TinyModels.Sample(config, 1, 500f, 5000f) with { HiddenStates = zeros(1, 4, height, width) };
        Assert.Contains(reason, Assert.Throws<ArgumentException>(() => model.call(input)).Message);
    }

    [Fact]
    public void SkipLayersOutOfRangeIsRejected()
    {
        using var scope = NewDisposeScope();
        var config = TinyModels.TeEFusion(layers: 2);
        using var model = SD3Transformer2DModel.FromConfig(config);
        var input = TinyModels.Sample(config, 1, 500f, 5000f) with { SkipLayers = new HashSet<int> { 2 } };
        Assert.Contains("SkipLayers holds 2", Assert.Throws<ArgumentException>(() => model.call(input)).Message);
    }
}
