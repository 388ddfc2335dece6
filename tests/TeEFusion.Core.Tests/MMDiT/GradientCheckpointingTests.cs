using TeEFusion.Core.MMDiT;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.MMDiT;

/// <summary>Activation checkpointing (<see cref="SD3Transformer2DModel.GradientCheckpointing"/>) changes memory, not the math.</summary>
[Collection("Sequential")]
public sealed class GradientCheckpointingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)] // SD3.5's dual-attention block (attn2) in the first layer
    public void Gradients_with_checkpointing_equal_gradients_without(bool dualAttention)
    {
        using var scope = NewDisposeScope();
        var config = TinyModels.TeEFusion(layers: 3, dualAttentionLayers: dualAttention ? [0] : null);
        using var model = TinyModels.Create(config);
        var input = TinyModels.Batch(TinyModels.Sample(config, 1, 937.5f, 4992f), TinyModels.Sample(config, 2, 250f, 1000f));
        var latents = input.HiddenStates.detach().requires_grad_(true);
        var target = randn_like(input.HiddenStates);

        (Tensor Output, Dictionary<string, Tensor> Grads, Tensor LatentGrad) Backward(bool checkpointing)
        {
            model.zero_grad();
            latents.grad = null;
            model.GradientCheckpointing = checkpointing;
            var output = model.call(input with { HiddenStates = latents });
            nn.functional.mse_loss(output, target).backward();
            var grads = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
            return (output.detach(), grads, latents.grad!.clone());
        }

        var plain = Backward(checkpointing: false);
        var checkpointed = Backward(checkpointing: true);

        Assert.Equal(0.0, (plain.Output - checkpointed.Output).abs().max().item<float>());
        Assert.True(TinyModels.RelativeError(checkpointed.LatentGrad, plain.LatentGrad) <= 1e-5, "the input's gradient differs");
        Assert.Equal(plain.Grads.Keys.Order(), checkpointed.Grads.Keys.Order());
        var compared = 0;
        foreach (var (name, expected) in plain.Grads)
        {
            // The last block's text queries feed only its discarded text output: their gradient is exactly zero either way.
            if (expected.abs().max().item<float>() == 0)
            {
                Assert.Equal(0f, checkpointed.Grads[name].abs().max().item<float>());
                continue;
            }
            var error = TinyModels.RelativeError(checkpointed.Grads[name], expected);
            Assert.True(error <= 1e-5, $"{name}: relative error {error:G3}");
            compared++;
        }
        Assert.True(compared > 0.9 * plain.Grads.Count, $"only {compared} of {plain.Grads.Count} gradients are non-zero");
    }

    [Fact]
    public void Checkpointed_blocks_are_recomputed_in_the_backward_and_only_while_training()
    {
        using var scope = NewDisposeScope();
        var config = TinyModels.TeEFusion(layers: 2);
        using var model = TinyModels.Create(config);
        var calls = 0;
        foreach (var block in model.modules().OfType<JointTransformerBlock>())
            block.register_forward_hook((Action<nn.Module>)(_ => calls++));
        var input = TinyModels.Sample(config, 1, 500f, 4000f);

        model.GradientCheckpointing = true;
        model.call(input).square().mean().backward();
        Assert.Equal(4, calls);

        calls = 0;
        using (no_grad()) model.call(input);
        Assert.Equal(2, calls);
    }
}
