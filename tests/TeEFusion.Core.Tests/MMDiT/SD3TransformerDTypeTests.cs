using TeEFusion.Core.MMDiT;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.MMDiT;

[Collection("Sequential")]
public class SD3TransformerDTypeTests
{
    [Fact]
    public void Bfloat16ModelRunsInBfloat16()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var config = TinyModels.TeEFusion(layers: 2);
        manual_seed(0);
        using var model = new SD3Transformer2DModel(config, dtype: ScalarType.BFloat16);
        Assert.All(model.state_dict().Values, t => Assert.Equal(ScalarType.BFloat16, t.dtype));
        var input = TinyModels.Sample(config, 1, 500f, 4992f);
        var bf16 = input with
        {
            HiddenStates = input.HiddenStates.to(ScalarType.BFloat16),
            EncoderHiddenStates = input.EncoderHiddenStates.to(ScalarType.BFloat16),
            PooledProjections = input.PooledProjections.to(ScalarType.BFloat16),
            TxtAlignVec = input.TxtAlignVec!.to(ScalarType.BFloat16),
        };
        var output = model.call(bf16);
        Assert.Equal(ScalarType.BFloat16, output.dtype);
        Assert.False(output.isnan().any().item<bool>());
    }

    [Fact]
    public void ConvertedModelUsesItsConvertedPositionTable()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var config = TinyModels.TeEFusion(layers: 2);
        using var model = TinyModels.Create(config);
        model.to(ScalarType.Float64);
        var table = model.state_dict()["pos_embed.pos_embed"];
        Assert.Equal(ScalarType.Float64, table.dtype);
        var input = TinyModels.Sample(config, 1, 500f, 4992f);
        var wide = input with
        {
            HiddenStates = input.HiddenStates.to(ScalarType.Float64),
            EncoderHiddenStates = input.EncoderHiddenStates.to(ScalarType.Float64),
            PooledProjections = input.PooledProjections.to(ScalarType.Float64),
            TxtAlignVec = input.TxtAlignVec!.to(ScalarType.Float64),
        };
        var before = model.call(wide);
        table.zero_();
        // A forward still reading the pre-conversion table would not see the change.
        Assert.True((model.call(wide) - before).abs().max().item<double>() > 1e-3);
    }
}
