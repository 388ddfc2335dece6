using TeEFusion.Core.Distillation;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Distillation;

[Collection("Sequential")]
public sealed class StudentAdamWTests
{
    [Fact]
    public void Updates_match_torch_optim_AdamW()
    {
        var settings = new DistillationSettings { Beta1 = 0.8, Beta2 = 0.95, Epsilon = 1e-6, WeightDecay = 0.1 };
        using var scope = NewDisposeScope();
        manual_seed(3);
        var ours = new Parameter(randn(4, 3));
        var initial = ours.detach().clone();
        var reference = new Parameter(initial.clone());
        using var adamW = new StudentAdamW([("w", ours)], settings);
        var torchAdamW = optim.AdamW([reference], lr: 0.01, beta1: settings.Beta1, beta2: settings.Beta2, eps: settings.Epsilon,
            weight_decay: settings.WeightDecay);
        for (var step = 0; step < 5; step++)
        {
            var target = randn(4, 3);
            foreach (var p in new[] { ours, reference })
            {
                p.grad?.zero_();
                (p - target).square().sum().backward();
            }
            adamW.Step(0.01);
            torchAdamW.step();
        }
        var difference = (ours - reference).abs().max().item<float>();
        Assert.True(difference < 1e-6, $"max |Δ| {difference}");
        Assert.True((ours - initial).abs().max().item<float>() > 1e-3, "the parameters did not move");
        Assert.Equal(5, adamW.StepCount);
    }
}
