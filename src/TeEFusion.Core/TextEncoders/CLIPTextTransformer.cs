// Mirrors CLIPTextTransformer in huggingface/transformers src/transformers/models/clip/modeling_clip.py.
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.TextEncoders;

/// <summary>Embeddings, encoder and final LayerNorm, plus the end-of-text pooling.</summary>
public sealed class CLIPTextTransformer : nn.Module<Tensor, CLIPTextTransformerOutput>
{
    private readonly CLIPTextEmbeddings embeddings;
    private readonly CLIPEncoder encoder;
    private readonly LayerNorm final_layer_norm;
    private readonly long _eosTokenId;
    private readonly int _maxPositions;

    public CLIPTextTransformer(CLIPTextConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(CLIPTextTransformer))
    {
        _eosTokenId = config.EosTokenId;
        _maxPositions = config.MaxPositionEmbeddings;
        embeddings = new CLIPTextEmbeddings(config, device, dtype);
        encoder = new CLIPEncoder(config, device, dtype);
        final_layer_norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override CLIPTextTransformerOutput forward(Tensor input_ids)
    {
        if (input_ids.dim() != 2)
            throw new ArgumentException($"input_ids must be (batch, tokens), got shape [{string.Join(", ", input_ids.shape)}].", nameof(input_ids));
        if (input_ids.shape[1] > _maxPositions)
            throw new ArgumentException(
                $"input_ids has {input_ids.shape[1]} tokens but max_position_embeddings is {_maxPositions}.", nameof(input_ids));
        using var scope = NewDisposeScope();
        var ids = input_ids.to(ScalarType.Int64, final_layer_norm.weight!.device); // (B, T)
        var hidden_states = encoder.call(embeddings.call(ids)); // L + 1 × (B, T, D)
        var last = final_layer_norm.call(hidden_states[^1]); // (B, T, D)
        var eos = EosPositions(ids, _eosTokenId); // (B)
        var index = eos.view(-1, 1, 1).expand(-1, 1, last.shape[2]); // (B, 1, D)
        var pooled = last.gather(1, index).squeeze(1); // (B, D)
        foreach (var h in hidden_states) h.MoveToOuterDisposeScope();
        return new CLIPTextTransformerOutput(last.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope(), hidden_states);
    }

    /// <summary>
    /// The token whose final state is pooled. Configs carrying the legacy eos_token_id 2 pool at argmax(input_ids), the
    /// first `&lt;|endoftext|&gt;` because it has the largest id; newer configs pool at the first eos_token_id (transformers 4.44).
    /// </summary>
    /// <exception cref="ArgumentException">A newer-style config and a row without eos_token_id.</exception>
    public static Tensor EosPositions(Tensor input_ids, long eos_token_id)
    {
        using var scope = NewDisposeScope();
        if (eos_token_id == 2)
            return input_ids.to(ScalarType.Int32).argmax(-1).MoveToOuterDisposeScope(); // (B)
        var is_eos = input_ids.eq(eos_token_id); // (B, T)
        if (!is_eos.any(-1).all().item<bool>())
            throw new ArgumentException($"A row of input_ids has no end-of-text token (id {eos_token_id}) to pool at.", nameof(input_ids));
        return is_eos.to(ScalarType.Int32).argmax(-1).MoveToOuterDisposeScope(); // (B)
    }
}

/// <param name="LastHiddenState">After final_layer_norm, (B, T, D).</param>
/// <param name="PoolerOutput">LastHiddenState at the end-of-text token, (B, D).</param>
/// <param name="HiddenStates">Embeddings and every layer's output, before final_layer_norm.</param>
public sealed record CLIPTextTransformerOutput(Tensor LastHiddenState, Tensor PoolerOutput, Tensor[] HiddenStates);
