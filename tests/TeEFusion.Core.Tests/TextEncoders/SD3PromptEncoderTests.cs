using TeEFusion.Core.TextEncoders;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.TensorIndex;

namespace TeEFusion.Core.Tests.TextEncoders;

/// <summary>
/// The composition only; each encoder's numerics are checked against the reference in its own test class, so the
/// encoders here are seeded random tiny models with distinct widths (L 16/8, G 24/12, T5 48; joint 48, pooled 20).
/// </summary>
[Collection("Sequential")]
public class SD3PromptEncoderTests
{
    private const int Joint = 48;
    private const int Pooled = 20;
    private const int ClipTokens = 10;
    private const int T5Tokens = 7;

    [Fact]
    public void WithT5ConcatenatesPaddedClipOverT5()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (l, g, t5) = Encoders();
        var tokens = Tokens(batch: 2);

        var result = new SD3PromptEncoder(l, g, t5, Joint, Pooled).Encode(tokens);

        var prompt = result.PromptEmbeds;
        Assert.Equal(new long[] { 2, ClipTokens + T5Tokens, Joint }, prompt.shape);
        var lOut = l.call(tokens.ClipLInputIds);
        var gOut = g.call(tokens.ClipGInputIds);
        AssertSame(lOut.PenultimateHiddenState, prompt[.., ..ClipTokens, ..16]);
        AssertSame(gOut.PenultimateHiddenState, prompt[.., ..ClipTokens, 16..40]);
        Assert.Equal(0f, prompt[.., ..ClipTokens, 40..].abs().max().item<float>());
        AssertSame(t5.call(tokens.T5InputIds!), prompt[.., ClipTokens.., ..]);
        Assert.Equal(new long[] { 2, Pooled }, result.PooledPromptEmbeds.shape);
        AssertSame(lOut.TextEmbeds, result.PooledPromptEmbeds[.., ..8]);
        AssertSame(gOut.TextEmbeds, result.PooledPromptEmbeds[.., 8..]);
    }

    [Fact]
    public void WithoutT5AppendsClipLengthZeroRows()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (l, g, _) = Encoders();

        var result = new SD3PromptEncoder(l, g, null, Joint, Pooled).Encode(Tokens(batch: 3));

        Assert.Equal(new long[] { 3, 2 * ClipTokens, Joint }, result.PromptEmbeds.shape);
        Assert.Equal(0f, result.PromptEmbeds[.., ClipTokens.., ..].abs().max().item<float>());
        Assert.True(result.PromptEmbeds[.., ..ClipTokens, ..40].abs().max().item<float>() > 0);
    }

    [Fact]
    public void PooledWidthMismatchIsRejected()
    {
        using var scope = NewDisposeScope();
        var (l, g, t5) = Encoders();
        var error = Assert.Throws<ArgumentException>(() => new SD3PromptEncoder(l, g, t5, Joint, Pooled + 1));
        Assert.Contains("pooled_projection_dim 21", error.Message);
    }

    [Fact]
    public void ClipWiderThanJointDimIsRejected()
    {
        using var scope = NewDisposeScope();
        var (l, g, _) = Encoders();
        var error = Assert.Throws<ArgumentException>(() => new SD3PromptEncoder(l, g, null, 39, Pooled));
        Assert.Contains("joint_attention_dim 39", error.Message);
    }

    [Fact]
    public void T5WidthOtherThanJointDimIsRejected()
    {
        using var scope = NewDisposeScope();
        var (l, g, t5) = Encoders();
        var error = Assert.Throws<ArgumentException>(() => new SD3PromptEncoder(l, g, t5, Joint + 8, Pooled));
        Assert.Contains("T5 d_model 48", error.Message);
    }

    [Fact]
    public void MismatchedBatchesAreRejected()
    {
        using var scope = NewDisposeScope();
        var (l, g, t5) = Encoders();
        var tokens = Tokens(batch: 2) with { ClipGInputIds = Tokens(batch: 1).ClipGInputIds };
        Assert.Throws<ArgumentException>(() => new SD3PromptEncoder(l, g, t5, Joint, Pooled).Encode(tokens));
    }

    [Fact]
    public void EncodeLeavesNoLiveTensors()
    {
        using var noGrad = no_grad();
        using var outer = NewDisposeScope();
        var (l, g, t5) = Encoders();
        var encoder = new SD3PromptEncoder(l, g, t5, Joint, Pooled);
        var tokens = Tokens(batch: 2);
        using (NewDisposeScope()) encoder.Encode(tokens);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (NewDisposeScope()) Assert.Equal(3, encoder.Encode(tokens).PromptEmbeds.dim());
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    private static (CLIPTextModelWithProjection L, CLIPTextModelWithProjection G, T5EncoderModel T5) Encoders()
    {
        torch.manual_seed(7);
        var l = new CLIPTextModelWithProjection(new CLIPTextConfig
        {
            HiddenSize = 16, IntermediateSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 2, ProjectionDim = 8,
            VocabSize = 50, MaxPositionEmbeddings = ClipTokens, EosTokenId = 2,
        });
        var g = new CLIPTextModelWithProjection(new CLIPTextConfig
        {
            HiddenSize = 24, IntermediateSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 3, ProjectionDim = 12,
            VocabSize = 50, MaxPositionEmbeddings = ClipTokens, EosTokenId = 2, HiddenAct = "gelu",
        });
        var t5 = new T5EncoderModel(new T5Config
        {
            DModel = Joint, DKv = 8, NumHeads = 2, DFf = 32, NumLayers = 2, VocabSize = 40, FeedForwardProj = "gated-gelu",
        });
        return (l, g, t5);
    }

    private static SD3PromptTokens Tokens(int batch) =>
        new(randint(0, 50, [batch, ClipTokens]), randint(0, 50, [batch, ClipTokens]), randint(0, 40, [batch, T5Tokens]));

    private static void AssertSame(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.equal(actual).all().item<bool>());
    }
}
