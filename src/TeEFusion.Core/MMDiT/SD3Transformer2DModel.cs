// Mirrors diffusers models/transformers/transformer_sd3.py: SD3Transformer2DModel, with the TeEFusion
// extensions of AIDC-AI/TeEFusion pipelines/sd3_model.py (guidance_in, txt_align_guidance).
using TeEFusion.Core.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TeEFusion.Core.MMDiT;

/// <summary>
/// The SD3 MMDiT. Predicts the flow-matching velocity (B, C, H, W) for latents (B, C, H, W). With
/// txt_align_guidance (TeEFusion) the guidance scale is fused into the conditioning vector:
/// temb += G(ψ(1000·w)) ⊙ F(pooled(prompt) − pooled("")) / 256.
/// </summary>
public sealed class SD3Transformer2DModel : Module<SD3TransformerInput, Tensor>
{
    // The reference divides the TeEFusion term by this constant (not in the paper's formula).
    private const double TxtAlignDivisor = 256.0;

    private readonly PatchEmbed pos_embed;
    private readonly CombinedTimestepTextProjEmbeddings time_text_embed;
    private readonly Linear context_embedder;
    private readonly ModuleList<JointTransformerBlock> transformer_blocks;
    private readonly AdaLayerNormContinuous norm_out;
    private readonly Linear proj_out;
    private readonly TimestepEmbedding? guidance_in;

    /// <summary>Builds the model with freshly initialised weights on <paramref name="device"/> in <paramref name="dtype"/>.</summary>
    public SD3Transformer2DModel(SD3TransformerConfig config, Device? device = null, ScalarType? dtype = null)
        : base(nameof(SD3Transformer2DModel))
    {
        config.Validate();
        Config = config;
        var dim = config.InnerDim;
        pos_embed = new PatchEmbed(config.SampleSize, config.PatchSize, config.InChannels, dim, config.PosEmbedMaxSize,
            device: device, dtype: dtype);
        time_text_embed = new CombinedTimestepTextProjEmbeddings(dim, config.PooledProjectionDim, device, dtype);
        context_embedder = Linear(config.JointAttentionDim, config.CaptionProjectionDim, hasBias: true, device: device, dtype: dtype);
        transformer_blocks = ModuleList(Enumerable.Range(0, config.NumLayers)
            .Select(i => new JointTransformerBlock(dim, config.NumAttentionHeads, config.AttentionHeadDim,
                context_pre_only: i == config.NumLayers - 1, config.QkNorm, config.DualAttentionLayers.Contains(i), device, dtype))
            .ToArray());
        norm_out = new AdaLayerNormContinuous(dim, dim, device, dtype);
        proj_out = Linear(dim, config.PatchSize * config.PatchSize * config.ResolvedOutChannels, hasBias: true, device: device, dtype: dtype);
        if (config.Guidance) guidance_in = new TimestepEmbedding(256, dim, device, dtype);
        RegisterComponents();
    }

    /// <summary>The configuration the model was built from.</summary>
    public SD3TransformerConfig Config { get; }

    /// <summary>
    /// diffusers' gradient_checkpointing: while autograd is on, each transformer block keeps only its inputs and is
    /// recomputed in the backward (<see cref="CheckpointedJointBlock"/>), trading one extra block forward for the
    /// activations that SD3-medium training could not hold on one GPU. No effect under no_grad.
    /// </summary>
    public bool GradientCheckpointing { get; set; }

    /// <summary>Builds the model on the CPU in float32 with freshly initialised weights.</summary>
    public static SD3Transformer2DModel FromConfig(SD3TransformerConfig config) => new(config);

    public override Tensor forward(SD3TransformerInput input)
    {
        ModelInputValidator.Validate(Config, input, transformer_blocks.Count);
        using var scope = NewDisposeScope();
        var (batch, height, width) = (input.HiddenStates.shape[0], input.HiddenStates.shape[2], input.HiddenStates.shape[3]);
        var dtype = input.PooledProjections.dtype;

        var hidden_states = pos_embed.call(input.HiddenStates);                      // (B, N, D)
        var temb = time_text_embed.call(input.Timestep, input.PooledProjections);    // (B, D)
        if (guidance_in is not null)
            temb = temb + guidance_in.call(time_text_embed.Sinusoid(input.Guidance!, dtype)); // (B, D)
        if (Config.TxtAlignGuidance)
        {
            var guidance = time_text_embed.EmbedTimestep(input.TxtAlignGuidance!, dtype); // (B|1, D)
            var direction = time_text_embed.EmbedText(input.TxtAlignVec!);               // (B, D)
            temb = temb + guidance * direction / TxtAlignDivisor;                          // (B, D)
        }
        Tensor? encoder_hidden_states = context_embedder.call(input.EncoderHiddenStates); // (B, T, D)

        for (var index = 0; index < transformer_blocks.Count; index++)
        {
            if (input.SkipLayers?.Contains(index) == true) continue;
            var block = transformer_blocks[index];
            (encoder_hidden_states, hidden_states) = GradientCheckpointing && is_grad_enabled()
                ? CheckpointedJointBlock.Apply(block, hidden_states, encoder_hidden_states!, temb)
                : block.call(hidden_states, encoder_hidden_states!, temb);             // (B, T, D)?, (B, N, D)
        }

        hidden_states = norm_out.call(hidden_states, temb); // (B, N, D)
        hidden_states = proj_out.call(hidden_states);       // (B, N, p·p·C)

        var p = Config.PatchSize;
        var (h, w, channels) = (height / p, width / p, Config.ResolvedOutChannels);
        var patches = hidden_states.reshape(batch, h, w, p, p, channels);           // (B, h, w, p, q, C)
        var output = patches.permute(0, 5, 1, 3, 2, 4).reshape(batch, channels, h * p, w * p); // (B, C, H, W)
        return output.MoveToOuterDisposeScope();
    }
}
