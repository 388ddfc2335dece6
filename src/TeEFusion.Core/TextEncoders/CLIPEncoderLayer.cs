// Mirrors CLIPEncoderLayer in huggingface/transformers src/transformers/models/clip/modeling_clip.py.
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.TextEncoders;

/// <summary>Pre-LayerNorm transformer layer: x + attn(LN1(x)), then x + mlp(LN2(x)).</summary>
public sealed class CLIPEncoderLayer : nn.Module<Tensor, Tensor>
{
    private readonly CLIPAttention self_attn;
    private readonly LayerNorm layer_norm1;
    private readonly CLIPMLP mlp;
    private readonly LayerNorm layer_norm2;

    public CLIPEncoderLayer(CLIPTextConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(CLIPEncoderLayer))
    {
        self_attn = new CLIPAttention(config, device, dtype);
        layer_norm1 = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device, dtype: dtype);
        mlp = new CLIPMLP(config, device, dtype);
        layer_norm2 = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var x = hidden_states + self_attn.call(layer_norm1.call(hidden_states)); // (B, T, D)
        x = x + mlp.call(layer_norm2.call(x)); // (B, T, D)
        return x.MoveToOuterDisposeScope();
    }
}
