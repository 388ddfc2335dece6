using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Sampling;

/// <summary>The samplers' per-step arithmetic and cost, against the real tiny MMDiT wrapped in a forward counter.</summary>
[Collection("Sequential")]
public class SamplerTests
{
    private static readonly float[] Sigma = [0.9130435f, 0.6f];
    private static readonly float[] SigmaNext = [0.8719512f, 0.45f];

    [Fact]
    public void StudentMakesOneBatchedPassWithFusedGuidance()
    {
        using var _ = no_grad();
        using var model = new CountingModel(TinySd3.Model(txtAlignGuidance: true));
        var c = TinySd3.Conditioning([5.0, 2.5]);
        using var x = TinySd3.Latents(2);
        var result = new StudentEuler(model).Step(new SamplerStepInput(x, Sigma, SigmaNext, [0, 3], c));

        Assert.Equal([1, 1], result.ModelPasses);
        var call = Assert.Single(model.Calls);
        Assert.Equal(2, call.Rows);
        Assert.Equal([913.0435f, 600f], call.Timesteps);
        Assert.Equal([5000f, 2500f], call.TxtAlignGuidance!);

        using var v = model.call(new SD3TransformerInput(x, c.Prompt.EncoderHiddenStates, c.Prompt.Pooled,
            tensor(new[] { Sigma[0] * 1000f, Sigma[1] * 1000f }), tensor(new[] { 5000f, 2500f }), c.Prompt.Pooled - c.Negative.Pooled));
        using var expected = FlowMatchEulerDiscreteScheduler.Step(x, v, Sigma, SigmaNext);
        Assert.True(expected.equal(result.Latents).all().item<bool>());
    }

    [Fact]
    public void SamplesAtDifferentStepsInOneBatchMatchEachRunAlone()
    {
        using var _ = no_grad();
        using var model = TinySd3.Model(txtAlignGuidance: true);
        var c = TinySd3.Conditioning([5.0, 2.5]);
        using var x = TinySd3.Latents(2);
        var sampler = new StudentEuler(model);
        var together = sampler.Step(new SamplerStepInput(x, Sigma, SigmaNext, [0, 3], c)).Latents;
        for (var b = 0; b < 2; b++)
        {
            var alone = sampler.Step(new SamplerStepInput(x[b..(b + 1)], [Sigma[b]], [SigmaNext[b]], [b * 3], c.Select([b]))).Latents;
            AssertClose(alone, together[b..(b + 1)], 1e-5);
        }
    }

    [Fact]
    public void StudentFormsTxtAlignGuidanceInTheModelDType()
    {
        var f = SamplingFixture.Instance.TxtAlignGuidanceBf16;
        using var g = StudentEuler.TxtAlignGuidance(f.G, ScalarType.BFloat16, CPU);
        Assert.Equal(ScalarType.BFloat16, g.dtype);
        Assert.Equal(f.Expected, g.to(ScalarType.Float32).data<float>().ToArray());
        Assert.Equal(4992f, f.Expected[0]);
    }

    [Fact]
    public void Bf16StudentFeedsTheModel4992ForGuidanceFive()
    {
        using var _ = no_grad();
        using var model = new CountingModel(TinySd3.Model(txtAlignGuidance: true, ScalarType.BFloat16));
        using var x = TinySd3.Latents(1, ScalarType.BFloat16);
        var result = new StudentEuler(model).Step(new SamplerStepInput(x, [1f], [0.5f], [0],
            TinySd3.Conditioning([5.0], ScalarType.BFloat16)));
        Assert.Equal(ScalarType.BFloat16, result.Latents.dtype);
        Assert.Equal([4992f], Assert.Single(model.Calls).TxtAlignGuidance!);
    }

    [Fact]
    public void CfgRunsCondAndUncondInOneForward()
    {
        using var _ = no_grad();
        using var model = new CountingModel(TinySd3.Model(txtAlignGuidance: false));
        var c = TinySd3.Conditioning([4.0, 7.0]);
        using var x = TinySd3.Latents(2);
        var result = new EulerCfg(model).Step(new SamplerStepInput(x, Sigma, SigmaNext, [0, 0], c));

        Assert.Equal([2, 2], result.ModelPasses);
        var call = Assert.Single(model.Calls);
        Assert.Equal(4, call.Rows);
        Assert.Null(call.TxtAlignGuidance);
        Assert.Equal([913.0435f, 600f, 913.0435f, 600f], call.Timesteps);
    }

    [Fact]
    public void CfgWithGuidanceOneEqualsTheConditionalPassAlone()
    {
        using var _ = no_grad();
        using var model = TinySd3.Model(txtAlignGuidance: false);
        var c = TinySd3.Conditioning([1.0, 1.0]);
        using var x = TinySd3.Latents(2);
        var result = new EulerCfg(model).Step(new SamplerStepInput(x, Sigma, SigmaNext, [0, 0], c));

        using var vc = model.call(new SD3TransformerInput(x, c.Prompt.EncoderHiddenStates, c.Prompt.Pooled,
            tensor(new[] { Sigma[0] * 1000f, Sigma[1] * 1000f })));
        using var expected = FlowMatchEulerDiscreteScheduler.Step(x, vc, Sigma, SigmaNext);
        AssertClose(expected, result.Latents, 1e-6);
    }

    [Fact]
    public void CfgCombinesClosedFormVelocitiesAsDiffusers()
    {
        // v_u = mean(p_u) + t/1000, v_c = mean(p_c) + t/1000 ⇒ v = v_u + g·(mean(p_c) − mean(p_u)).
        using var _ = no_grad();
        var c = Constant(pc: 0.5f, pu: 0.25f, guidance: 3.0);
        using var x = full(1, 2, 2, 2, 1f);
        var result = new EulerCfg(new ClosedFormVelocity()).Step(new SamplerStepInput(x, [0.75f], [0.5f], [0], c));
        const float v = 0.25f + 0.75f + 3f * 0.25f;
        Assert.All(result.Latents.data<float>().ToArray(), value => Assert.Equal(1f - 0.25f * v, value));
    }

    [Fact]
    public void ZSamplingReflectionIsAnIdentityWhenBothGuidancesAgreeOnAnXIndependentVelocity()
    {
        // zig and zag evaluate the model at the same timestep, so with γ2 = γ1 the zag undoes the zig exactly.
        using var _ = no_grad();
        var c = Constant(pc: 0.5f, pu: 0.25f, guidance: 3.0);
        using var x = full(1, 2, 2, 2, 1f);
        var input = new SamplerStepInput(x, [0.75f], [0.5f], [0], c);
        var plain = new EulerCfg(new ClosedFormVelocity()).Step(input);
        var zigzag = new ZSamplingCfg(new ClosedFormVelocity(), inversionGuidance: 3.0).Step(input);
        Assert.True(plain.Latents.equal(zigzag.Latents).all().item<bool>());
        Assert.Equal([6], zigzag.ModelPasses);
    }

    [Fact]
    public void ZSamplingWithZeroInversionGuidanceDoublesTheGuidanceOfAnXIndependentVelocity()
    {
        // x' = x + dt·v1; x̃ = x' − dt·v_u; x'' = x̃ + dt·v1 = x + dt·(v_u + 2g·(v_c − v_u)).
        using var _ = no_grad();
        using var x = full(1, 2, 2, 2, 1f);
        var input = new SamplerStepInput(x, [0.75f], [0.5f], [0], Constant(pc: 0.5f, pu: 0.25f, guidance: 3.0));
        var zigzag = new ZSamplingCfg(new ClosedFormVelocity()).Step(input);
        var doubled = new EulerCfg(new ClosedFormVelocity()).Step(input with { Conditioning = Constant(pc: 0.5f, pu: 0.25f, guidance: 6.0) });
        Assert.True(doubled.Latents.equal(zigzag.Latents).all().item<bool>());
    }

    [Fact]
    public void ZSamplingStepIsZigZagZigOnTheRealModel()
    {
        using var _ = no_grad();
        using var model = new CountingModel(TinySd3.Model(txtAlignGuidance: false));
        var c = TinySd3.Conditioning([5.5, 3.0]);
        using var x = TinySd3.Latents(2);
        var result = new ZSamplingCfg(model, inversionGuidance: 0.5).Step(new SamplerStepInput(x, Sigma, SigmaNext, [0, 0], c));

        Assert.Equal([6, 6], result.ModelPasses);
        Assert.Equal(3, model.Calls.Count);
        Assert.All(model.Calls, call => Assert.Equal(4, call.Rows));
        Assert.All(model.Calls, call => Assert.Equal([913.0435f, 600f, 913.0435f, 600f], call.Timesteps));

        var cfg = new EulerCfg(model);
        var zig = cfg.Step(new SamplerStepInput(x, Sigma, SigmaNext, [0, 0], c)).Latents;
        var zag = new EulerCfg(model).Step(new SamplerStepInput(zig, Sigma, SigmaNext, [0, 0], c with { Guidance = [0.5, 0.5] }));
        using var vInv = GuidedVelocityOf(model, zig, Sigma, c with { Guidance = [0.5, 0.5] });
        using var back = FlowMatchEulerDiscreteScheduler.Step(zig, vInv, SigmaNext, Sigma);
        var expected = cfg.Step(new SamplerStepInput(back, Sigma, SigmaNext, [0, 0], c)).Latents;
        AssertClose(expected, result.Latents, 1e-5); // the sampler batches uncond+cond; the check runs them apart
        Assert.False(zag.Latents.equal(result.Latents).all().item<bool>());
    }

    [Fact]
    public void ZSamplingReflectsOnlySamplesBeforeLambdaAndNotOnTheLastStep()
    {
        using var _ = no_grad();
        using var model = new CountingModel(TinySd3.Model(txtAlignGuidance: false));
        var c = TinySd3.Conditioning([5.5, 5.5, 5.5]);
        using var x = TinySd3.Latents(3);
        var sampler = new ZSamplingCfg(model, lambdaStep: 2);
        var result = sampler.Step(new SamplerStepInput(x, [0.9f, 0.5f, 0.2f], [0.8f, 0.4f, 0f], [1, 2, 1], c));

        Assert.Equal([6, 2, 2], result.ModelPasses);
        Assert.Equal([6L, 2L, 2L], model.Calls.Select(call => call.Rows));

        // The unreflected rows are exactly a plain CFG step; the reflected row equals reflecting it alone.
        var plain = new EulerCfg(model).Step(new SamplerStepInput(x, [0.9f, 0.5f, 0.2f], [0.8f, 0.4f, 0f], [1, 2, 1], c)).Latents;
        Assert.True(plain[1..].equal(result.Latents[1..]).all().item<bool>());
        var alone = sampler.Step(new SamplerStepInput(x[..1], [0.9f], [0.8f], [1], c.Select([0]))).Latents;
        AssertClose(alone, result.Latents[..1], 1e-6);
    }

    [Theory]
    [InlineData("z-sampling")]
    [InlineData("w2sd")]
    public void FixedWidthRunsEveryForwardOnAllRowsSoARowDoesNotDependOnItsNeighbours(string name)
    {
        using var _ = no_grad();
        using var model = new CountingModel(TinySd3.Model(txtAlignGuidance: false));
        IFlowMatchSampler sampler = name == "w2sd" ? new W2sdCfg(model, W2sdPair.GuidanceGap(7.0, 1.0)) : new ZSamplingCfg(model);
        var c = TinySd3.Conditioning([5.5, 3.0]);
        using var x = TinySd3.Latents(2);
        // Row 1 takes its last step (no reflection), so without FixedWidth the reflection's forwards would have 2 rows, not 4.
        var mixed = sampler.Step(new SamplerStepInput(x, [0.9f, 0.2f], [0.8f, 0f], [0, 7], c) { FixedWidth = true });
        Assert.All(model.Calls, call => Assert.Equal(4, call.Rows));
        Assert.Equal(6, mixed.ModelPasses[0]);
        Assert.Equal(2, mixed.ModelPasses[1]);

        // Row 0 in a batch padded with copies of itself (a request run alone, padded to the same width): the same bits.
        using var padded = cat([x[..1], x[..1]], 0);
        var alone = sampler.Step(new SamplerStepInput(padded, [0.9f, 0.9f], [0.8f, 0.8f], [0, 0], c.Select([0, 0])) { FixedWidth = true });
        Assert.True(alone.Latents[..1].equal(mixed.Latents[..1]).all().item<bool>());
        // And the row that did not reflect is exactly a plain CFG step.
        var plain = new EulerCfg(model).Step(new SamplerStepInput(x, [0.9f, 0.2f], [0.8f, 0f], [0, 7], c)).Latents;
        Assert.True(plain[1..].equal(mixed.Latents[1..]).all().item<bool>());
    }

    [Fact]
    public void ZSamplingRoundsRepeatTheZagZig()
    {
        using var _ = no_grad();
        using var model = new CountingModel(TinySd3.Model(txtAlignGuidance: false));
        using var x = TinySd3.Latents(1);
        var result = new ZSamplingCfg(model, rounds: 3).Step(new SamplerStepInput(x, [0.9f], [0.8f], [0], TinySd3.Conditioning([5.5])));
        Assert.Equal([2 + 3 * 4], result.ModelPasses);
        Assert.Equal(7, model.Calls.Count);
    }

    [Fact]
    public void W2sdGuidancePairReflectsThenTakesTheMainStep()
    {
        using var _ = no_grad();
        using var model = new CountingModel(TinySd3.Model(txtAlignGuidance: false));
        var c = TinySd3.Conditioning([5.5, 4.0]);
        using var x = TinySd3.Latents(2);
        var result = new W2sdCfg(model, W2sdPair.GuidanceGap(strong: 7.0, weak: 1.0)).Step(new SamplerStepInput(x, Sigma, SigmaNext, [0, 0], c));

        Assert.Equal([6, 6], result.ModelPasses);
        Assert.Equal([4L, 4L, 4L], model.Calls.Select(call => call.Rows));

        var strong = new EulerCfg(model).Step(new SamplerStepInput(x, Sigma, SigmaNext, [0, 0], c with { Guidance = [7.0, 7.0] })).Latents;
        using var vWeak = GuidedVelocityOf(model, strong, Sigma, c with { Guidance = [1.0, 1.0] });
        using var reflected = FlowMatchEulerDiscreteScheduler.Step(strong, vWeak, SigmaNext, Sigma);
        var expected = new EulerCfg(model).Step(new SamplerStepInput(reflected, Sigma, SigmaNext, [0, 0], c)).Latents;
        AssertClose(expected, result.Latents, 1e-5); // the sampler batches uncond+cond; the check runs them apart
    }

    [Fact]
    public void W2sdSkippedLayersPairSkipsOnlyInTheWeakInversion()
    {
        using var _ = no_grad();
        using var model = new CountingModel(TinySd3.Model(txtAlignGuidance: false));
        var c = TinySd3.Conditioning([5.5]);
        using var x = TinySd3.Latents(1);
        var pair = W2sdPair.SkippedLayers(new HashSet<int> { 1 });
        var result = new W2sdCfg(model, pair).Step(new SamplerStepInput(x, [0.9f], [0.8f], [0], c));

        Assert.Equal([6], result.ModelPasses);
        Assert.Equal([false, true, false], model.Calls.Select(call => call.SkipLayers?.Contains(1) == true));
        var last = new W2sdCfg(model, pair).Step(new SamplerStepInput(x, [0.1f], [0f], [9], c));
        Assert.Equal([2], last.ModelPasses);
    }

    [Fact]
    public void W2sdWithEqualStrongAndWeakOnAnXIndependentVelocityIsPlainCfg()
    {
        using var _ = no_grad();
        var c = Constant(pc: 0.5f, pu: 0.25f, guidance: 3.0);
        using var x = full(1, 2, 2, 2, 1f);
        var input = new SamplerStepInput(x, [0.75f], [0.5f], [0], c);
        var plain = new EulerCfg(new ClosedFormVelocity()).Step(input);
        var w2sd = new W2sdCfg(new ClosedFormVelocity(), W2sdPair.GuidanceGap(2.0, 2.0)).Step(input);
        Assert.True(plain.Latents.equal(w2sd.Latents).all().item<bool>());
    }

    [Fact]
    public void StepRejectsConditioningOfAnotherBatchSize()
    {
        using var x = TinySd3.Latents(2);
        var error = Assert.Throws<ArgumentException>(() =>
            new EulerCfg(new ClosedFormVelocity()).Step(new SamplerStepInput(x, Sigma, SigmaNext, [0, 0], TinySd3.Conditioning([5.0]))));
        Assert.Contains("guidance 1", error.Message);
    }

    private static Tensor GuidedVelocityOf(nn.Module<SD3TransformerInput, Tensor> model, Tensor x, float[] sigma, SamplingConditioning c)
    {
        var t = tensor(sigma.Select(s => s * 1000f).ToArray());
        using var vu = model.call(new SD3TransformerInput(x, c.Negative.EncoderHiddenStates, c.Negative.Pooled, t));
        using var vc = model.call(new SD3TransformerInput(x, c.Prompt.EncoderHiddenStates, c.Prompt.Pooled, t));
        var g = tensor(c.Guidance.Select(v => (float)v).ToArray()).view(-1, 1, 1, 1);
        return vu + g * (vc - vu);
    }

    private static SamplingConditioning Constant(float pc, float pu, double guidance) => new(
        new PromptEmbeddings(zeros(1, 3, 4), full(1, 4, pc)),
        new PromptEmbeddings(zeros(1, 3, 4), full(1, 4, pu)),
        [guidance]);

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance)
    {
        var diff = (expected - actual).abs().max().item<float>();
        Assert.True(diff <= tolerance, $"max abs difference {diff} > {tolerance}");
    }
}
