using TeEFusion.Core.MMDiT;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.MMDiT;

/// <summary>Tiny configs and seeded inputs for CPU tests of the MMDiT.</summary>
internal static class TinyModels
{
    public static SD3TransformerConfig TeEFusion(int layers = 3, int[]? dualAttentionLayers = null) => new()
    {
        DualAttentionLayers = dualAttentionLayers ?? [],
        SampleSize = 12, PatchSize = 2, InChannels = 4, NumLayers = layers, AttentionHeadDim = 8, NumAttentionHeads = 2,
        JointAttentionDim = 12, CaptionProjectionDim = 16, PooledProjectionDim = 10, OutChannels = 4, PosEmbedMaxSize = 16,
        TxtAlignGuidance = true,
    };

    /// <summary>
    /// A seeded model whose G and F outputs are scaled up ×10 each: with default init the TeEFusion term
    /// G(ψ(w))⊙F(v)/256 moves the output by only ~1e-5, too little to tell samples apart.
    /// </summary>
    public static SD3Transformer2DModel Create(SD3TransformerConfig config)
    {
        manual_seed(0);
        var model = SD3Transformer2DModel.FromConfig(config);
        using var _ = no_grad();
        var parameters = model.state_dict();
        parameters["time_text_embed.timestep_embedder.linear_2.weight"].mul_(10);
        parameters["time_text_embed.text_embedder.linear_2.weight"].mul_(10);
        return model;
    }

    /// <summary>Seeded inputs for sample <paramref name="seed"/>: latents 12×6, 5 text tokens.</summary>
    public static SD3TransformerInput Sample(SD3TransformerConfig config, int seed, float timestep, float guidance)
    {
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        return new SD3TransformerInput(
            randn([1, config.InChannels, 12, 6], generator: generator),
            randn([1, 5, config.JointAttentionDim], generator: generator),
            randn([1, config.PooledProjectionDim], generator: generator),
            tensor(new[] { timestep }),
            TxtAlignGuidance: config.TxtAlignGuidance ? tensor(new[] { guidance }) : null,
            TxtAlignVec: config.TxtAlignGuidance ? randn([1, config.PooledProjectionDim], generator: generator) : null);
    }

    /// <summary>Concatenates single-sample inputs into one batch (TeEFusion fields included where present).</summary>
    public static SD3TransformerInput Batch(params SD3TransformerInput[] samples) => new(
        cat(samples.Select(s => s.HiddenStates).ToArray(), 0),
        cat(samples.Select(s => s.EncoderHiddenStates).ToArray(), 0),
        cat(samples.Select(s => s.PooledProjections).ToArray(), 0),
        cat(samples.Select(s => s.Timestep).ToArray(), 0),
        samples[0].TxtAlignGuidance is null ? null : cat(samples.Select(s => s.TxtAlignGuidance!).ToArray(), 0),
        samples[0].TxtAlignVec is null ? null : cat(samples.Select(s => s.TxtAlignVec!).ToArray(), 0));

    /// <summary>max |a − b| / max |b|.</summary>
    public static double RelativeError(Tensor actual, Tensor expected) =>
        (actual - expected).abs().max().item<float>() / (double)expected.abs().max().item<float>();
}
