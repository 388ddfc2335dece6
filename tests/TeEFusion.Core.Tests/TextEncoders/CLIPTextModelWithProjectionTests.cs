using TeEFusion.Core.IO;
using TeEFusion.Core.TextEncoders;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.TextEncoders;

[Collection("Sequential")]
public class CLIPTextModelWithProjectionTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData("clip_quick_gelu")]
    [InlineData("clip_gelu")]
    public void MatchesIndependentReference(string name)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var model = Load(name);
        var expected = TextEncoderFixture.Expected(name);

        var result = model.call(expected["input_ids"]);

        Assert.Equal(model.Config.NumHiddenLayers + 1, result.HiddenStates.Length);
        Assert.Equal(expected["eos_position"].data<long>().ToArray(),
            CLIPTextTransformer.EosPositions(expected["input_ids"], model.Config.EosTokenId).to(ScalarType.Int64).data<long>().ToArray());
        foreach (var (label, actual) in new[]
                 {
                     ("penultimate_hidden_state", result.PenultimateHiddenState),
                     ("last_hidden_state", result.LastHiddenState),
                     ("text_embeds", result.TextEmbeds),
                 })
        {
            var (maxAbs, relative) = TextEncoderFixture.Error(actual, expected[label]);
            output.WriteLine($"{name} {label}: max abs {maxAbs:E2}, relative {relative:E2}");
            Assert.True(relative <= Tolerance, $"{name} {label}: relative error {relative:E2} > {Tolerance:E0}");
        }
    }

    [Fact]
    public void BFloat16ForwardStaysCloseToReference()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var model = Load("clip_quick_gelu");
        model.to(ScalarType.BFloat16);
        var expected = TextEncoderFixture.Expected("clip_quick_gelu");

        var result = model.call(expected["input_ids"]);

        Assert.Equal(ScalarType.BFloat16, result.TextEmbeds.dtype);
        var (_, relative) = TextEncoderFixture.Error(result.PenultimateHiddenState.to(ScalarType.Float32), expected["penultimate_hidden_state"]);
        output.WriteLine($"bf16 penultimate relative error {relative:E2}");
        Assert.True(relative < 3e-2, $"bf16 relative error {relative:E2}");
    }

    [Fact]
    public void LegacyEosIdPoolsAtFirstLargestId()
    {
        using var scope = NewDisposeScope();
        var ids = tensor(new long[,] { { 49406, 320, 49407, 49407, 49407 }, { 49406, 49407, 0, 0, 0 } });
        Assert.Equal(new long[] { 2, 1 }, CLIPTextTransformer.EosPositions(ids, eos_token_id: 2).to(ScalarType.Int64).data<long>().ToArray());
    }

    [Fact]
    public void NewEosIdPoolsAtFirstEosEvenWhenLargerIdsFollow()
    {
        using var scope = NewDisposeScope();
        var ids = tensor(new long[,] { { 49406, 7, 900, 7, 49407 }, { 49406, 5, 6, 8, 7 } });
        Assert.Equal(new long[] { 1, 4 }, CLIPTextTransformer.EosPositions(ids, eos_token_id: 7).to(ScalarType.Int64).data<long>().ToArray());
    }

    [Fact]
    public void NewEosIdWithoutEosInARowIsRejected()
    {
        using var scope = NewDisposeScope();
        var ids = tensor(new long[,] { { 1, 7, 3 }, { 1, 2, 3 } });
        var error = Assert.Throws<ArgumentException>(() => CLIPTextTransformer.EosPositions(ids, eos_token_id: 7));
        Assert.Contains("id 7", error.Message);
    }

    [Fact]
    public void TooManyTokensAreRejected()
    {
        using var scope = NewDisposeScope();
        var model = Load("clip_gelu");
        var error = Assert.Throws<ArgumentException>(() => model.call(zeros(1, 15, dtype: ScalarType.Int64)));
        Assert.Contains("max_position_embeddings is 14", error.Message);
    }

    [Fact]
    public void ForwardLeavesNoLiveTensors()
    {
        using var noGrad = no_grad();
        using var outer = NewDisposeScope();
        var model = Load("clip_quick_gelu");
        var ids = TextEncoderFixture.Expected("clip_quick_gelu")["input_ids"];
        using (NewDisposeScope()) model.call(ids);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (NewDisposeScope())
        {
            var result = model.call(ids);
            Assert.False(result.TextEmbeds.IsInvalid);
        }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    internal static CLIPTextModelWithProjection Load(string name)
    {
        var model = new CLIPTextModelWithProjection(CLIPTextConfig.Load(TextEncoderFixture.Case(name, "config.json")));
        StateDictLoader.Load(model, TextEncoderFixture.Case(name, "model.safetensors"));
        model.eval();
        return model;
    }
}
