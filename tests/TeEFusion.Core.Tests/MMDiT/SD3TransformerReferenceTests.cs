using TeEFusion.Core.IO;
using TeEFusion.Core.MMDiT;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.MMDiT;

/// <summary>
/// The model against an independent float64 re-implementation (Fixtures/MMDiT/make_reference.py) with the same
/// float32 weights: fp32 must agree to 1e-5 of the output's magnitude.
/// </summary>
[Collection("Sequential")]
public class SD3TransformerReferenceTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData("tiny_sd3_teefusion", "velocity", false)]
    [InlineData("tiny_sd3_teefusion", "velocity_skip1", true)]
    [InlineData("tiny_sd35_guidance", "velocity", false)]
    [InlineData("tiny_sd35_guidance", "velocity_skip1", true)]
    public void MatchesTheReference(string name, string expectedName, bool skipBlock1)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var model = Load(name);
        using var io = SafetensorsFile.Open(SD3TransformerKeysTests.Fixture(name + "_io.safetensors"));
        var input = Inputs(io) with { SkipLayers = skipBlock1 ? new HashSet<int> { 1 } : null };
        AssertClose(model.call(input), io.Read("expected." + expectedName), $"{name} {expectedName}");
    }

    /// <summary>
    /// In float64, at t and w small enough that the float32 sinusoid is exact to an ulp on any libm, only the fixture's
    /// float32 rounding (~6e-8) is left: this pins the formulas far below the noise the float32 test must allow.
    /// (At t ≈ 1000 the float32 sinusoid itself differs by up to ~3e-5 between torch builds.)
    /// </summary>
    [Theory]
    [InlineData("tiny_sd3_teefusion")]
    [InlineData("tiny_sd35_guidance")]
    public void InFloat64MatchesTheReferenceToItsStoredPrecision(string name)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var config = SD3TransformerConfig.Load(SD3TransformerKeysTests.Fixture(name + "_config.json"));
        using var model = new SD3Transformer2DModel(config, dtype: ScalarType.Float64);
        StateDictLoader.Load(model, SD3TransformerKeysTests.Fixture(name + ".safetensors"), new StateDictLoadOptions { ConvertDType = true });
        using var io = SafetensorsFile.Open(SD3TransformerKeysTests.Fixture(name + "_io.safetensors"));
        var input = Inputs(io);
        Tensor? Optional(string key) => io.Tensors.ContainsKey(key) ? io.Read(key) : null;
        var wide = new SD3TransformerInput(
            input.HiddenStates.to(ScalarType.Float64), input.EncoderHiddenStates.to(ScalarType.Float64),
            input.PooledProjections.to(ScalarType.Float64), io.Read("input.small_timestep"),
            Optional("input.small_txt_align_guidance"), input.TxtAlignVec?.to(ScalarType.Float64), Optional("input.small_guidance"));
        var velocity = model.call(wide);
        Assert.Equal(ScalarType.Float64, velocity.dtype);
        AssertClose(velocity.to(ScalarType.Float32), io.Read("expected.velocity_small_t"), $"{name} float64, small t", 2e-7);
    }

    [Fact]
    public void TeEFusionTermMatchesAtZeroGuidanceAndIsNotNothing()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        const string name = "tiny_sd3_teefusion";
        using var model = Load(name);
        using var io = SafetensorsFile.Open(SD3TransformerKeysTests.Fixture(name + "_io.safetensors"));
        var input = Inputs(io);
        // w = 0 still adds G(ψ(0))⊙F(v)/256, since ψ(0) = [1…1, 0…0] and F has biases.
        var atZero = model.call(input with { TxtAlignGuidance = zeros(2) });
        AssertClose(atZero, io.Read("expected.velocity_g0"), "w = 0");
        Assert.True(TinyModels.RelativeError(atZero, io.Read("expected.velocity_no_term")) > 100 * Tolerance);
        Assert.True(TinyModels.RelativeError(atZero, io.Read("expected.velocity")) > 100 * Tolerance);
    }

    [Fact]
    public void WithoutTheFlagTheModelIsPlainSd3()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        const string name = "tiny_sd3_teefusion";
        var config = SD3TransformerConfig.Load(SD3TransformerKeysTests.Fixture(name + "_config.json"));
        using var model = SD3Transformer2DModel.FromConfig(new SD3TransformerConfig
        {
            SampleSize = config.SampleSize, PatchSize = config.PatchSize, InChannels = config.InChannels,
            NumLayers = config.NumLayers, AttentionHeadDim = config.AttentionHeadDim, NumAttentionHeads = config.NumAttentionHeads,
            JointAttentionDim = config.JointAttentionDim, CaptionProjectionDim = config.CaptionProjectionDim,
            PooledProjectionDim = config.PooledProjectionDim, OutChannels = config.OutChannels, PosEmbedMaxSize = config.PosEmbedMaxSize,
        });
        StateDictLoader.Load(model, SD3TransformerKeysTests.Fixture(name + ".safetensors"));
        using var io = SafetensorsFile.Open(SD3TransformerKeysTests.Fixture(name + "_io.safetensors"));
        var input = Inputs(io) with { TxtAlignGuidance = null, TxtAlignVec = null };
        AssertClose(model.call(input), io.Read("expected.velocity_no_term"), "no TeEFusion term");
    }

    [Fact]
    public void ComputedPositionTableEqualsTheReferenceTable()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        const string name = "tiny_sd3_teefusion";
        var config = SD3TransformerConfig.Load(SD3TransformerKeysTests.Fixture(name + "_config.json"));
        using var model = SD3Transformer2DModel.FromConfig(config);
        using var weights = SafetensorsFile.Open(SD3TransformerKeysTests.Fixture(name + ".safetensors"));
        var expected = weights.Read("pos_embed.pos_embed");
        var error = (model.state_dict()["pos_embed.pos_embed"] - expected).abs().max().item<float>();
        output.WriteLine($"pos_embed table: max abs error {error:E2}");
        Assert.True(error <= 1e-6, $"max abs error {error}");
    }

    private static SD3Transformer2DModel Load(string name)
    {
        var config = SD3TransformerConfig.Load(SD3TransformerKeysTests.Fixture(name + "_config.json"));
        var model = SD3Transformer2DModel.FromConfig(config);
        StateDictLoader.Load(model, SD3TransformerKeysTests.Fixture(name + ".safetensors"));
        return model;
    }

    private static SD3TransformerInput Inputs(SafetensorsFile io)
    {
        Tensor? Optional(string key) => io.Tensors.ContainsKey(key) ? io.Read(key) : null;
        return new SD3TransformerInput(
            io.Read("input.hidden_states"), io.Read("input.encoder_hidden_states"), io.Read("input.pooled_projections"),
            io.Read("input.timestep"), Optional("input.txt_align_guidance"), Optional("input.txt_align_vec"), Optional("input.guidance"));
    }

    private void AssertClose(Tensor actual, Tensor expected, string what, double tolerance = Tolerance) =>
        ReferenceAssert.Close(output, actual, expected, tolerance, what);
}
