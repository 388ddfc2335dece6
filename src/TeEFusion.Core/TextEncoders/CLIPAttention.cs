// Mirrors CLIPAttention in huggingface/transformers src/transformers/models/clip/modeling_clip.py (text tower use).
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.TextEncoders;

/// <summary>Multi-head causal self-attention of the CLIP text tower.</summary>
public sealed class CLIPAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear out_proj;
    private readonly int _heads;

    public CLIPAttention(CLIPTextConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(CLIPAttention))
    {
        _heads = config.NumAttentionHeads;
        k_proj = nn.Linear(config.HiddenSize, config.HiddenSize, device: device, dtype: dtype);
        v_proj = nn.Linear(config.HiddenSize, config.HiddenSize, device: device, dtype: dtype);
        q_proj = nn.Linear(config.HiddenSize, config.HiddenSize, device: device, dtype: dtype);
        out_proj = nn.Linear(config.HiddenSize, config.HiddenSize, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var (batch, length, width) = (hidden_states.shape[0], hidden_states.shape[1], hidden_states.shape[2]);
        Tensor Heads(Tensor x) => x.view(batch, length, _heads, width / _heads).transpose(1, 2); // (B, H, T, Dh)
        var q = Heads(q_proj.call(hidden_states)); // (B, H, T, Dh)
        var k = Heads(k_proj.call(hidden_states)); // (B, H, T, Dh)
        var v = Heads(v_proj.call(hidden_states)); // (B, H, T, Dh)
        // The text tower is always causal and SD3 passes no padding mask, so padding tokens are attended to.
        var attended = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true); // (B, H, T, Dh)
        var merged = attended.transpose(1, 2).reshape(batch, length, width); // (B, T, D)
        return out_proj.call(merged).MoveToOuterDisposeScope(); // (B, T, D)
    }
}
