using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Runtime;
using TeEFusion.Core.Sampling;
using TeEFusion.Core.Tests.Sampling;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.MMDiT;

/// <summary>
/// Tensors created per inference forward and per sampler step (<see cref="TensorCounter"/>). The counts depend on the
/// block count and the config's switches, not on the widths or the batch, so a tiny 12-block model counts what
/// `bench transformer`'s default models do. Before issue 17 they were 1125 (student forward), 1104 (teacher forward),
/// 1137 (student step) and 1126 (Euler+CFG step).
/// </summary>
[Collection("Sequential")]
public class SD3TransformerOpCountTests(ITestOutputHelper output)
{
    private const int Layers = 12;

    [Fact]
    public void InferenceForwardsAndStepsStayWithinTheirTensorBudgets()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var student = TinySd3.Model(txtAlignGuidance: true, layers: Layers);
        using var teacher = TinySd3.Model(txtAlignGuidance: false, layers: Layers);
        var counts = new List<(string Name, long Tensors)>();
        foreach (var batch in new[] { 1, 4 })
        {
            var c = TinySd3.Conditioning(Enumerable.Repeat(5.0, batch).ToArray());
            var x = TinySd3.Latents(batch);
            var forward = new SD3TransformerInput(x, c.Prompt.EncoderHiddenStates, c.Prompt.Pooled, full(batch, 900f),
                full(batch, 5000f), c.Prompt.Pooled - c.Negative.Pooled);
            var step = new SamplerStepInput(x, Enumerable.Repeat(0.9f, batch).ToArray(), Enumerable.Repeat(0.8f, batch).ToArray(),
                new int[batch], c);
            counts.Add(($"student forward, batch {batch}", Count(() => student.call(forward))));
            counts.Add(($"teacher forward, batch {batch}", Count(() => teacher.call(forward with { TxtAlignGuidance = null, TxtAlignVec = null }))));
            counts.Add(($"student step, batch {batch}", Count(() => new StudentEuler(student).Step(step))));
            counts.Add(($"euler-cfg step, batch {batch}", Count(() => new EulerCfg(teacher).Step(step))));
        }
        foreach (var (name, tensors) in counts) output.WriteLine($"{name}: {tensors} tensors");

        var byName = counts.ToDictionary(c => c.Name, c => c.Tensors);
        Assert.Equal(byName["student forward, batch 1"], byName["student forward, batch 4"]);
        Assert.True(byName["student forward, batch 4"] <= 620, "student forward");
        Assert.True(byName["teacher forward, batch 4"] <= 600, "teacher forward");
        Assert.True(byName["student step, batch 4"] - byName["student forward, batch 4"] <= 5, "student step beyond its forward");
        Assert.True(byName["euler-cfg step, batch 4"] - byName["teacher forward, batch 4"] <= 12, "Euler+CFG step beyond its forward");
    }

    private static long Count(Action action)
    {
        using var scope = NewDisposeScope();
        action(); // the first call may build what later calls reuse
        return TensorCounter.Measure(action).TensorsCreated;
    }
}
