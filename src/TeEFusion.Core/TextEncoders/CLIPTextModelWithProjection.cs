// Mirrors CLIPTextModelWithProjection in huggingface/transformers src/transformers/models/clip/modeling_clip.py.
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.TextEncoders;

/// <summary>
/// SD3's CLIP text encoders (CLIP-L as text_encoder, OpenCLIP bigG as text_encoder_2). State-dict keys equal
/// transformers': `text_model.…` and `text_projection.weight`.
/// </summary>
public sealed class CLIPTextModelWithProjection : nn.Module<Tensor, CLIPTextModelOutput>
{
    private readonly CLIPTextTransformer text_model;
    private readonly Linear text_projection;

    /// <param name="config">Validated here; an invalid config throws <see cref="ArgumentException"/> naming the field.</param>
    /// <param name="device">Where to allocate the weights (default: torch's default device); `meta` builds shapes only.</param>
    /// <param name="dtype">The weights' dtype (default: float32), so a large encoder never exists in fp32 first.</param>
    public CLIPTextModelWithProjection(CLIPTextConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(CLIPTextModelWithProjection))
    {
        config.Validate();
        Config = config;
        text_model = new CLIPTextTransformer(config, device, dtype);
        text_projection = nn.Linear(config.HiddenSize, config.ProjectionDim, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    public CLIPTextConfig Config { get; }

    /// <param name="input_ids">Token ids, (B, T) with T ≤ max_position_embeddings; no attention mask is used.</param>
    public override CLIPTextModelOutput forward(Tensor input_ids)
    {
        using var scope = NewDisposeScope();
        var output = text_model.call(input_ids);
        var text_embeds = text_projection.call(output.PoolerOutput); // (B, P)
        foreach (var h in output.HiddenStates) h.MoveToOuterDisposeScope();
        return new CLIPTextModelOutput(
            text_embeds.MoveToOuterDisposeScope(), output.LastHiddenState.MoveToOuterDisposeScope(), output.HiddenStates);
    }
}

/// <param name="TextEmbeds">text_projection of the pooled end-of-text state, (B, projection_dim): SD3's pooled prompt part.</param>
/// <param name="LastHiddenState">After final_layer_norm, (B, T, D).</param>
/// <param name="HiddenStates">Embeddings and every layer's output (num_hidden_layers + 1 tensors), before final_layer_norm.</param>
public sealed record CLIPTextModelOutput(Tensor TextEmbeds, Tensor LastHiddenState, Tensor[] HiddenStates)
{
    /// <summary>hidden_states[-2]: the output of the second-to-last layer, before final_layer_norm; SD3's sequence features.</summary>
    public Tensor PenultimateHiddenState => HiddenStates[^2];
}
