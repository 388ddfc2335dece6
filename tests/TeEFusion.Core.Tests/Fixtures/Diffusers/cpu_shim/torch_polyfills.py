"""What diffusers v0.33.1 touches in torch 2.x and Debian's torch 1.13 lacks. Import before diffusers."""
import torch

# Named in module-level tuples of quantizer modules (torchao) that the import path loads; no tensor ever has them.
for _name in ("float8_e4m3fn", "float8_e5m2"):
    if not hasattr(torch, _name):
        setattr(torch, _name, f"torch.{_name} (absent in torch {torch.__version__})")

# torch.compiler (2.1+): diffusers decorates methods with torch.compiler.disable and asks is_compiling(); nothing is
# compiled in 1.13, so the decorator is the identity and the answer is no.
if not hasattr(torch, "compiler"):
    import types

    torch.compiler = types.SimpleNamespace(disable=lambda fn=None, recursive=True: fn if fn is not None else (lambda f: f),
                                           is_compiling=lambda: False)

# F.scaled_dot_product_attention (2.0+), which diffusers' attention processors require, written out as its definition:
# softmax(q kᵀ · scale + mask) v, scale = 1/√head_dim. No dropout or causal mask is ever asked for here.
if not hasattr(torch.nn.functional, "scaled_dot_product_attention"):
    import math

    def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
        if dropout_p != 0.0 or is_causal:
            raise NotImplementedError("the polyfill covers dropout_p=0, is_causal=False only")
        scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
        scores = query @ key.transpose(-2, -1) * scale                      # (..., Lq, Lk)
        if attn_mask is not None:
            scores = scores.masked_fill(~attn_mask, float("-inf")) if attn_mask.dtype == torch.bool else scores + attn_mask
        return scores.softmax(dim=-1) @ value                               # (..., Lq, D)

    torch.nn.functional.scaled_dot_product_attention = scaled_dot_product_attention
