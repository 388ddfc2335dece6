using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Sampling;

/// <summary>One forward seen by <see cref="CountingModel"/>, copied to host memory.</summary>
internal sealed record ForwardCall(long Rows, float[] Timesteps, float[]? TxtAlignGuidance, IReadOnlySet<int>? SkipLayers);

/// <summary>Wraps a model and records every forward (rows, timesteps, TeEFusion inputs, skipped layers).</summary>
internal sealed class CountingModel : nn.Module<SD3TransformerInput, Tensor>
{
    private readonly nn.Module<SD3TransformerInput, Tensor> inner;

    public CountingModel(nn.Module<SD3TransformerInput, Tensor> model) : base(nameof(CountingModel))
    {
        inner = model;
        RegisterComponents();
    }

    public List<ForwardCall> Calls { get; } = [];

    public override Tensor forward(SD3TransformerInput input)
    {
        Calls.Add(new ForwardCall(input.HiddenStates.shape[0],
            input.Timestep.to(ScalarType.Float32).data<float>().ToArray(),
            input.TxtAlignGuidance?.to(ScalarType.Float32).data<float>().ToArray(),
            input.SkipLayers));
        return inner.call(input);
    }
}

/// <summary>
/// A closed-form velocity for hand-computed expectations, independent of x:
/// v[b] = mean(pooled[b]) + timestep[b]/1000 (+ txt_align_guidance[b]/1000 · mean(txt_align_vec[b]) when given).
/// </summary>
internal sealed class ClosedFormVelocity() : nn.Module<SD3TransformerInput, Tensor>(nameof(ClosedFormVelocity))
{
    public override Tensor forward(SD3TransformerInput input)
    {
        using var scope = NewDisposeScope();
        var x = input.HiddenStates;
        var v = input.PooledProjections.mean([1]) + input.Timestep.to(x.dtype) / 1000;        // (B)
        if (input.TxtAlignGuidance is { } g)
            v = v + g.to(x.dtype) / 1000 * input.TxtAlignVec!.mean([1]);                    // (B)
        return (zeros_like(x) + v.view(-1, 1, 1, 1)).MoveToOuterDisposeScope();             // (B, C, H, W)
    }
}

/// <summary>The real tiny SD3 MMDiT (2 blocks unless told, head dim 8) and inputs for it.</summary>
internal static class TinySd3
{
    public const int Channels = 4;
    public const int Size = 8;
    public const int Tokens = 5;
    public const int JointDim = 12;
    public const int PooledDim = 10;

    public static SD3Transformer2DModel Model(bool txtAlignGuidance, ScalarType dtype = ScalarType.Float32, int layers = 2)
    {
        manual_seed(1234);
        var config = new SD3TransformerConfig
        {
            SampleSize = Size, PatchSize = 2, InChannels = Channels, NumLayers = layers, AttentionHeadDim = 8,
            NumAttentionHeads = 2, JointAttentionDim = JointDim, CaptionProjectionDim = 16, PooledProjectionDim = PooledDim,
            OutChannels = Channels, PosEmbedMaxSize = 8, TxtAlignGuidance = txtAlignGuidance,
        };
        var model = new SD3Transformer2DModel(config, dtype: dtype);
        model.eval();
        return model;
    }

    public static SamplingConditioning Conditioning(double[] guidance, ScalarType dtype = ScalarType.Float32, int seed = 99)
    {
        var batch = guidance.Length;
        var generator = new Generator((ulong)seed);
        Tensor Draw(params long[] shape) => randn(shape, generator: generator).to(dtype);
        return new SamplingConditioning(
            new PromptEmbeddings(Draw(batch, Tokens, JointDim), Draw(batch, PooledDim)),
            new PromptEmbeddings(Draw(batch, Tokens, JointDim), Draw(batch, PooledDim)),
            guidance);
    }

    public static Tensor Latents(int batch, ScalarType dtype = ScalarType.Float32) =>
        LatentNoise.Sample(Enumerable.Range(0, batch).Select(i => (long)i + 10).ToArray(), Channels, Size, Size, CPU, dtype);
}
