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
    private readonly FusedLinear _qkv;
    private readonly FusedLinear? _added_qkv;

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
        _qkv = new FusedLinear(to_q, to_k, to_v);
        if (add_q_proj is not null) _added_qkv = new FusedLinear(add_q_proj, add_k_proj!, add_v_proj!);
        RegisterComponents();
    }

    public override (Tensor, Tensor?) forward(Tensor hidden_states, Tensor? encoder_hidden_states)
    {
        using var scope = NewDisposeScope();
        var image_tokens = hidden_states.shape[1];
        var joint = encoder_hidden_states is not null && _added_qkv is not null;
        var image = Project(_qkv, to_q, to_k, to_v, hidden_states);                                        // (B, N, 3·H·d)
        Tensor query, key, value;
        if (joint && norm_q is null)
        {
            // Without qk-norm both streams are treated alike: one concatenation instead of one per q, k, v.
            var context = Project(_added_qkv!, add_q_proj!, add_k_proj!, add_v_proj!, encoder_hidden_states!); // (B, T, 3·H·d)
            (query, key, value) = SplitHeads(cat([image, context], 1), null, null);                        // 3 × (B, H, N+T, d)
        }
        else
        {
            (query, key, value) = SplitHeads(image, norm_q, norm_k);                                       // 3 × (B, H, N, d)
            if (joint)
            {
                var context = Project(_added_qkv!, add_q_proj!, add_k_proj!, add_v_proj!, encoder_hidden_states!); // (B, T, 3·H·d)
                var (added_query, added_key, added_value) = SplitHeads(context, norm_added_q, norm_added_k);      // 3 × (B, H, T, d)
                query = cat([query, added_query], 2);                                                     // (B, H, N+T, d)
                key = cat([key, added_key], 2);                                                           // (B, H, N+T, d)
                value = cat([value, added_value], 2);                                                     // (B, H, N+T, d)
            }
        }
        var attended = functional.scaled_dot_product_attention(query, key, value); // (B, H, N+T, d)
        attended = attended.transpose(1, 2).flatten(2);                             // (B, N+T, H·d)
        Tensor? context_out = null;
        if (joint)
        {
            context_out = attended.narrow(1, image_tokens, attended.shape[1] - image_tokens); // (B, T, H·d)
            attended = attended.narrow(1, 0, image_tokens);                                  // (B, N, H·d)
            if (!context_pre_only) context_out = to_add_out!.call(context_out); // (B, T, D)
        }
        // to_out.1 is Dropout(0.0), the identity, so it is not called.
        attended = to_out[0].call(attended); // (B, N, D)
        return (attended.MoveToOuterDisposeScope(), context_out?.MoveToOuterDisposeScope());
    }

    // q, k and v of one stream side by side: one fused matmul at inference, the three layers under autograd.
    private Tensor Project(FusedLinear fused, Linear q, Linear k, Linear v, Tensor x) =>
        fused.TryForward(x, training) ?? cat([q.call(x), k.call(x), v.call(x)], -1); // (B, T, 3·H·d)

    private (Tensor Query, Tensor Key, Tensor Value) SplitHeads(Tensor qkv, RMSNorm? normQuery, RMSNorm? normKey)
    {
        var (batch, tokens) = (qkv.shape[0], qkv.shape[1]);
        var split = qkv.view(batch, tokens, 3, heads, -1).permute(2, 0, 3, 1, 4).unbind(0); // 3 × (B, H, T, d)
        return (normQuery is null ? split[0] : normQuery.call(split[0]), normKey is null ? split[1] : normKey.call(split[1]), split[2]);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _qkv.Dispose();
            _added_qkv?.Dispose();
        }
        base.Dispose(disposing);
    }
}
