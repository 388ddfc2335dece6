// Mirrors T5Stack in huggingface/transformers src/transformers/models/t5/modeling_t5.py (encoder configuration).
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.TextEncoders;

/// <summary>Embedding lookup, the blocks, and the final RMS norm. `embed_tokens` is the model's `shared` table.</summary>
public sealed class T5Stack : nn.Module<Tensor, Tensor>
{
    private readonly Embedding embed_tokens;
    private readonly ModuleList<T5Block> block;
    private readonly T5LayerNorm final_layer_norm;

    public T5Stack(T5Config config, Embedding embed_tokens, Device? device = null, ScalarType? dtype = null) : base(nameof(T5Stack))
    {
        this.embed_tokens = embed_tokens;
        block = nn.ModuleList(Enumerable.Range(0, config.NumLayers).Select(i => new T5Block(config, has_relative_attention_bias: i == 0, device, dtype)).ToArray());
        final_layer_norm = new T5LayerNorm(config.DModel, config.LayerNormEpsilon, device, dtype);
        RegisterComponents();
    }

    /// <param name="input_ids">(B, T) token ids; no attention mask, so padding tokens are attended to as in SD3.</param>
    public override Tensor forward(Tensor input_ids)
    {
        using var scope = NewDisposeScope();
        var hidden_states = embed_tokens.call(input_ids); // (B, T, D)
        Tensor? position_bias = null;
        foreach (var b in block)
            (hidden_states, position_bias) = b.call(hidden_states, position_bias); // (B, T, D), (1, H, T, T)
        return final_layer_norm.call(hidden_states).MoveToOuterDisposeScope(); // (B, T, D)
    }
}
