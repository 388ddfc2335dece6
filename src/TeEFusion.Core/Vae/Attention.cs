// Mirrors diffusers/models/attention_processor.py Attention + AttnProcessor2_0 as UNetMidBlock2D builds it:
// one head over all channels, group_norm before q/k/v, residual_connection=True, rescale_output_factor=1.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.Vae;

internal sealed class Attention : nn.Module<Tensor, Tensor>
{
    private readonly GroupNorm group_norm;
    private readonly Linear to_q;
    private readonly Linear to_k;
    private readonly Linear to_v;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> to_out;

    public Attention(long channels, long groups) : base(nameof(Attention))
    {
        group_norm = GroupNorms.Create(groups, channels);
        to_q = nn.Linear(channels, channels);
        to_k = nn.Linear(channels, channels);
        to_v = nn.Linear(channels, channels);
        // A ModuleList so the keys read to_out.0.weight; the dropout (p=0) keeps diffusers' indices.
        to_out = new ModuleList<nn.Module<Tensor, Tensor>>(nn.Linear(channels, channels), nn.Dropout(0.0));
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var (batch, channels, height, width) = (hidden_states.shape[0], hidden_states.shape[1], hidden_states.shape[2], hidden_states.shape[3]);
        var normed = group_norm.call(hidden_states)                  // (B, C, H, W)
            .view(batch, channels, height * width).transpose(1, 2);  // (B, HW, C)
        var query = to_q.call(normed).unsqueeze(1);                  // (B, 1, HW, C)
        var key = to_k.call(normed).unsqueeze(1);                    // (B, 1, HW, C)
        var value = to_v.call(normed).unsqueeze(1);                  // (B, 1, HW, C)
        // A single head of width C, so SDPA's default scale 1/sqrt(C) is diffusers' scale.
        var attended = nn.functional.scaled_dot_product_attention(query, key, value).squeeze(1); // (B, HW, C)
        foreach (var layer in to_out) attended = layer.call(attended);                          // (B, HW, C)
        var spatial = attended.transpose(1, 2).reshape(batch, channels, height, width);          // (B, C, H, W)
        return (spatial + hidden_states).MoveToOuterDisposeScope();                              // (B, C, H, W)
    }
}
