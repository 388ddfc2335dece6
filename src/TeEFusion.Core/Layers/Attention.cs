// Mirrors diffusers models/attention_processor.py: Attention (bias=True, out_bias=True) run by JointAttnProcessor2_0.
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TeEFusion.Core.Layers;

/// <summary>
/// Multi-head attention with SD3's joint processor: when the context projections exist (added_kv_proj_dim) and a
/// context is given, image and text tokens attend together, image tokens first. Returns (image output, text output);
/// the text output is null without a context and is not projected when context_pre_only.
/// </summary>
public sealed class Attention : Module<Tensor, Tensor?, (Tensor, Tensor?)>
{
    private readonly Linear to_q;
    private readonly Linear to_k;
    private readonly Linear to_v;
    private readonly RMSNorm? norm_q;
    private readonly RMSNorm? norm_k;
    private readonly Linear? add_q_proj;
    private readonly Linear? add_k_proj;
    private readonly Linear? add_v_proj;
    private readonly RMSNorm? norm_added_q;
    private readonly RMSNorm? norm_added_k;
    private readonly ModuleList<Module<Tensor, Tensor>> to_out;
    private readonly Linear? to_add_out;
    private readonly int heads;
    private readonly bool context_pre_only;

    /// <param name="query_dim">Width of the image stream (= heads · dim_head = out_dim in SD3).</param>
    /// <param name="added_kv_proj_dim">Width of the text stream; null for an image-only attention (SD3.5's attn2).</param>
    /// <param name="context_pre_only">True in the last block: the text output is discarded, so there is no to_add_out.</param>
    /// <param name="qk_norm">null or "rms_norm".</param>
    public Attention(int query_dim, int heads, int dim_head, int? added_kv_proj_dim, bool context_pre_only, string? qk_norm,
        double eps = 1e-6, Device? device = null, ScalarType? dtype = null) : base(nameof(Attention))
    {
        if (qk_norm is not (null or "rms_norm"))
            throw new ArgumentException($"Attention qk_norm '{qk_norm}' is not supported; allowed: null, \"rms_norm\".", nameof(qk_norm));
        var inner_dim = heads * dim_head;
        this.heads = heads;
        this.context_pre_only = context_pre_only;
        to_q = Linear(query_dim, inner_dim, hasBias: true, device: device, dtype: dtype);
        to_k = Linear(query_dim, inner_dim, hasBias: true, device: device, dtype: dtype);
        to_v = Linear(query_dim, inner_dim, hasBias: true, device: device, dtype: dtype);
        if (qk_norm is not null)
        {
            norm_q = new RMSNorm(dim_head, eps, device, dtype);
            norm_k = new RMSNorm(dim_head, eps, device, dtype);
        }
        if (added_kv_proj_dim is int added)
        {
            add_q_proj = Linear(added, inner_dim, hasBias: true, device: device, dtype: dtype);
            add_k_proj = Linear(added, inner_dim, hasBias: true, device: device, dtype: dtype);
            add_v_proj = Linear(added, inner_dim, hasBias: true, device: device, dtype: dtype);
            if (qk_norm is not null)
            {
                norm_added_q = new RMSNorm(dim_head, eps, device, dtype);
                norm_added_k = new RMSNorm(dim_head, eps, device, dtype);
            }
            if (!context_pre_only) to_add_out = Linear(inner_dim, query_dim, hasBias: true, device: device, dtype: dtype);
        }
        to_out = ModuleList<Module<Tensor, Tensor>>(Linear(inner_dim, query_dim, hasBias: true, device: device, dtype: dtype), Dropout(0.0));
        RegisterComponents();
    }

    public override (Tensor, Tensor?) forward(Tensor hidden_states, Tensor? encoder_hidden_states)
    {
        using var scope = NewDisposeScope();
        var image_tokens = hidden_states.shape[1];
        var query = SplitHeads(to_q.call(hidden_states), norm_q); // (B, H, N, d)
        var key = SplitHeads(to_k.call(hidden_states), norm_k);   // (B, H, N, d)
        var value = SplitHeads(to_v.call(hidden_states), null);   // (B, H, N, d)
        var joint = encoder_hidden_states is not null && add_q_proj is not null;
        if (joint)
        {
            query = cat([query, SplitHeads(add_q_proj!.call(encoder_hidden_states!), norm_added_q)], 2); // (B, H, N+T, d)
            key = cat([key, SplitHeads(add_k_proj!.call(encoder_hidden_states!), norm_added_k)], 2);     // (B, H, N+T, d)
            value = cat([value, SplitHeads(add_v_proj!.call(encoder_hidden_states!), null)], 2);         // (B, H, N+T, d)
        }
        var attended = functional.scaled_dot_product_attention(query, key, value); // (B, H, N+T, d)
        attended = attended.transpose(1, 2).flatten(2).to(query.dtype);            // (B, N+T, H·d)
        Tensor? context_out = null;
        if (joint)
        {
            context_out = attended.narrow(1, image_tokens, attended.shape[1] - image_tokens); // (B, T, H·d)
            attended = attended.narrow(1, 0, image_tokens);                                  // (B, N, H·d)
            if (!context_pre_only) context_out = to_add_out!.call(context_out); // (B, T, D)
        }
        foreach (var module in to_out) attended = module.call(attended); // (B, N, D)
        return (attended.MoveToOuterDisposeScope(), context_out?.MoveToOuterDisposeScope());
    }

    private Tensor SplitHeads(Tensor projected, RMSNorm? norm)
    {
        var (batch, tokens, width) = (projected.shape[0], projected.shape[1], projected.shape[2]);
        var split = projected.view(batch, tokens, heads, width / heads).transpose(1, 2); // (B, H, T, d)
        return norm is null ? split : norm.call(split);
    }
}
