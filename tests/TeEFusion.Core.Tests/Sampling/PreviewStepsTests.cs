using TeEFusion.Core.Sampling;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Sampling;

public sealed class PreviewStepsTests
{
    [Theory]
    [InlineData(3, 8, new[] { 2, 4, 6 })]
    [InlineData(3, 28, new[] { 7, 14, 21 })]
    [InlineData(1, 8, new[] { 4 })]
    [InlineData(2, 9, new[] { 3, 6 })]
    [InlineData(3, 4, new[] { 1, 2, 3 })]
    [InlineData(3, 2, new[] { 1 })]
    [InlineData(3, 1, new int[0])]
    [InlineData(0, 8, new int[0])]
    public void Previews_come_after_evenly_spaced_steps_never_the_last(int partialImages, int steps, int[] expected)
    {
        Assert.Equal(expected, PreviewSteps.For(partialImages, steps));
    }

    [Fact]
    public void The_predicted_clean_latent_of_an_euler_step_is_the_clean_latent_it_was_made_from()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var clean = randn(2, 4, 3, 3);
        var noise = randn(2, 4, 3, 3);
        const double sigma = 0.8, sigmaNext = 0.55;
        var x = clean * (1 - sigma) + noise * sigma;                  // x_σ
        var next = x + (noise - clean) * (sigmaNext - sigma);         // Euler with v = ε − x0

        var predicted = PredictedClean.FromStep(x, next, sigma, sigmaNext);

        Assert.True(predicted.allclose(clean, rtol: 1e-4, atol: 1e-5));
        Assert.True(PredictedClean.FromStep(x, clean, sigma, 0).allclose(clean, rtol: 1e-5, atol: 1e-6));
    }
}
