using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Runtime;
using TeEFusion.Core.Tests.MMDiT;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Layers;

/// <summary>
/// The attention's fused q/k/v matmul (eval mode under no_grad) against the same model's separate projections
/// (training mode), which is the computation without fusion.
/// </summary>
[Collection("Sequential")]
public sealed class FusedLinearTests : IDisposable
{
    private readonly SD3TransformerConfig config = TinyModels.TeEFusion(dualAttentionLayers: [0]);
    private readonly SD3Transformer2DModel model;
    private readonly SD3TransformerInput input;

    public FusedLinearTests()
    {
        model = TinyModels.Create(config);
        input = TinyModels.Sample(config, 1, 500f, 5000f);
    }

    public void Dispose() => model.Dispose();

    private static Tensor Inference(SD3Transformer2DModel model, SD3TransformerInput input)
    {
        using var noGrad = no_grad();
        model.eval();
        return model.call(input);
    }

    private static Tensor Unfused(SD3Transformer2DModel model, SD3TransformerInput input)
    {
        using var noGrad = no_grad();
        model.train();
        return model.call(input);
    }

    [Fact]
    public void FusedInferenceEqualsTheSeparateProjectionsAndCreatesFewerTensors()
    {
        using var scope = NewDisposeScope();
        var fused = TensorCounter.Measure(() => Inference(model, input));
        var unfused = TensorCounter.Measure(() => Unfused(model, input));
        Assert.True(TinyModels.RelativeError(Inference(model, input), Unfused(model, input)) <= 1e-6);
        Assert.True(fused.TensorsCreated < unfused.TensorsCreated, $"fused {fused.TensorsCreated}, unfused {unfused.TensorsCreated}");
    }

    [Fact]
    public void AfterAnOptimizerStepInferenceSeesTheNewWeightsAndGradientsReachedTheNamedParameters()
    {
        using var scope = NewDisposeScope();
        var before = Inference(model, input);

        model.train();
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        model.call(input).square().mean().backward();
        var grad = model.state_dict()["transformer_blocks.0.attn.to_k.weight"].grad;
        Assert.NotNull(grad);
        Assert.True(grad!.abs().max().item<float>() > 0);
        optimizer.step();

        var after = Inference(model, input);
        Assert.True(TinyModels.RelativeError(after, before) > 1e-3, "the step did not change the inference output");
        Assert.True(TinyModels.RelativeError(after, Unfused(model, input)) <= 1e-6);
    }

    [Fact]
    public void LoadedWeightsAreUsedByTheFusedMatmul()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var other = SD3Transformer2DModel.FromConfig(config);
        using (no_grad())
        {
            var target = model.state_dict();
            foreach (var (name, value) in other.state_dict()) target[name].copy_(value); // what the safetensors loader does
        }
        Assert.True(TinyModels.RelativeError(Inference(model, input), Inference(other, input)) <= 1e-6);
    }

    [Fact]
    public void ParametersReplacedByModuleToFallBackToTheSeparateProjections()
    {
        using var scope = NewDisposeScope();
        var float32 = Inference(model, input);
        model.to(ScalarType.Float64);
        var float64 = input with
        {
            HiddenStates = input.HiddenStates.to(ScalarType.Float64),
            EncoderHiddenStates = input.EncoderHiddenStates.to(ScalarType.Float64),
            PooledProjections = input.PooledProjections.to(ScalarType.Float64),
            TxtAlignVec = input.TxtAlignVec!.to(ScalarType.Float64),
        };
        Assert.True(TinyModels.RelativeError(Inference(model, float64).to(ScalarType.Float32), float32) <= 1e-5);
    }
}
