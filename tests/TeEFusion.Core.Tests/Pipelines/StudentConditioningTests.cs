using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using TeEFusion.Core.TextEncoders;
using TeEFusion.Core.Tokenizers;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Pipelines;

/// <summary>
/// The student's pieces against TeEFusion's reference math, rebuilt here from the components:
/// x_{i+1} = x_i + (σ_{i+1} − σ_i)·v(x_i, t = 1000σ_i, c, pooled(c), txt_align_guidance = 1000g, txt_align_vec = pooled(c) − pooled(negative)).
/// </summary>
[Collection("Sequential")]
public sealed class StudentConditioningTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void ThePiecesEqualTheReferenceTrajectory()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var pipeline = fixture.Student;
        var components = pipeline.Components;
        var request = pipeline.Resolve(new GenerationRequest("a red cube") { NegativePrompt = "blurry", Seed = 11, Steps = 2, Guidance = 4.5 });

        var encoded = pipeline.EncodePrompts(pipeline.Tokenize([request]));
        var prompt = EncodeDirectly(components, "a red cube");
        var negative = EncodeDirectly(components, "blurry");
        Assert.True(Same(encoded.Prompt.EncoderHiddenStates, prompt.PromptEmbeds));
        Assert.True(Same(encoded.Prompt.Pooled, prompt.PooledPromptEmbeds));
        Assert.True(Same(encoded.Negative.Pooled, negative.PooledPromptEmbeds));
        Assert.Equal([1L, 77 + 256, 32], encoded.Prompt.EncoderHiddenStates.shape);

        var schedule = components.Scheduler.GetSchedule(2);
        var x = pipeline.InitialLatents([request]);
        Assert.True(Same(x, LatentNoise.Sample([11], 4, 16, 16, CPU, ScalarType.Float32)));
        var sampler = pipeline.CreateSampler(request.Sampler!);
        var piecewise = x;
        var reference = x;
        for (var i = 0; i < 2; i++)
        {
            var (sigma, next) = (schedule.Sigmas[i], schedule.Sigmas[i + 1]);
            piecewise = sampler.Step(new SamplerStepInput(piecewise, [sigma], [next], [i], encoded.WithGuidance([4.5]))).Latents;
            var v = components.Transformer.call(new SD3TransformerInput(reference, prompt.PromptEmbeds, prompt.PooledPromptEmbeds,
                tensor(new[] { sigma * 1000f }),
                TxtAlignGuidance: tensor(new[] { 4500f }),
                TxtAlignVec: prompt.PooledPromptEmbeds - negative.PooledPromptEmbeds));   // (1, 4, 16, 16)
            reference = reference + (next - sigma) * v;                                   // (1, 4, 16, 16)
        }
        Assert.True(allclose(piecewise, reference, rtol: 1e-6, atol: 1e-6));

        // Generate runs the same trajectory: its PNG equals the reference latents decoded and encoded.
        var expectedPng = pipeline.EncodePng(pipeline.Decode(reference), [request])[0];
        StudentPipelineTests.AssertSimilarPixels(expectedPng, pipeline.Generate(request).Images[0].Png);
    }

    [Fact]
    public void TheFusedTermDependsOnTheNegativePrompt()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var pipeline = fixture.Student;
        var request = pipeline.Resolve(new GenerationRequest("a red cube") { Seed = 2, Steps = 1, Guidance = 4.5 });
        var withNull = pipeline.EncodePrompts(pipeline.Tokenize([request]));
        var withNegative = pipeline.EncodePrompts(pipeline.Tokenize([request with { NegativePrompt = "blurry" }]));
        Assert.True(Same(withNull.Prompt.Pooled, withNegative.Prompt.Pooled));
        Assert.False(Same(withNull.Negative.Pooled, withNegative.Negative.Pooled));
        Assert.True(Same(withNull.Negative.Pooled, EncodeDirectly(pipeline.Components, "").PooledPromptEmbeds));
    }

    [Fact]
    public void NegativeEmbeddingsAreCachedAndReused()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var pipeline = fixture.Student;
        var request = pipeline.Resolve(new GenerationRequest("a red cube") { NegativePrompt = "cache me", Seed = 2, Steps = 1 });
        var first = pipeline.Tokenize([request]);
        Assert.Equal(["cache me"], first.UncachedNegatives);
        var encoded = pipeline.EncodePrompts(first);
        var second = pipeline.Tokenize([request, request with { NegativePrompt = "" }]);
        Assert.DoesNotContain("cache me", second.UncachedNegatives);
        var again = pipeline.EncodePrompts(second);
        Assert.True(Same(again.Negative.Pooled[0], encoded.Negative.Pooled[0]));
        Assert.Equal([2L, 77 + 256, 32], again.Negative.EncoderHiddenStates.shape);
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static SD3PromptEmbeds EncodeDirectly(SD3Components components, string text)
    {
        static Tensor Ids(TokenizedPrompt tokens) => tensor(tokens.ToInt64(), [1, tokens.MaxLength]);
        return components.PromptEncoder.Encode(new SD3PromptTokens(
            Ids(components.Tokenizer.Encode(text)), Ids(components.Tokenizer2.Encode(text)), Ids(components.Tokenizer3!.Encode(text))));
    }
}
