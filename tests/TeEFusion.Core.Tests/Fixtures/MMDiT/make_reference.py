"""Independent float64 reference for SD3Transformer2DModel (+ TeEFusion), written from
sections 1.2 and 5 of SD3-TEEFUSION-FACTS.md (the facts sheet this project was specified from, kept outside this
repository) and diffusers' SD3.5 additions (SD35AdaLayerNormZeroX, attn2, RMS qk-norm), not from the C#.

Only the timestep sinusoid is computed in float32 (correctly rounded), because diffusers computes it in float32 by
design; everything else runs in float64 on float32 weights, and the expected outputs are stored as float32.
Writes, for each case, <name>_config.json, <name>.safetensors (the weights under their diffusers keys) and
<name>_io.safetensors (inputs as "input.*", expected outputs as "expected.*"). Run: /usr/bin/python3 make_reference.py
"""
import json, math, struct
import numpy as np
import torch

F64 = torch.float64

# ---------------------------------------------------------------- building blocks
def lin(x, w, name):
    return x @ w[name + ".weight"].T + w[name + ".bias"]

def silu(x):
    return x * torch.sigmoid(x)

def layer_norm(x, eps=1e-6):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)

def gelu_tanh(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))

def rms_norm(x, weight, eps=1e-6):
    return x / torch.sqrt((x ** 2).mean(-1, keepdim=True) + eps) * weight

def mlp(x, w, name):  # Linear, SiLU, Linear
    return lin(silu(lin(x, w, name + ".linear_1")), w, name + ".linear_2")

def feed_forward(x, w, name):
    return lin(gelu_tanh(lin(x, w, name + ".net.0.proj")), w, name + ".net.2")

def sinusoid(t):
    """Timesteps(256, flip_sin_to_cos=True, shift 0) with diffusers' float32 operation sequence, each float32 step
    correctly rounded (exp, sin and cos evaluated in float64 and rounded), so the fixture does not depend on one
    libm's last-bit behaviour; returns float64."""
    half = 128
    exponent = np.arange(half, dtype=np.float32) * np.float32(-math.log(10000.0))
    exponent = exponent / np.float32(half)
    freqs = np.exp(exponent.astype(np.float64)).astype(np.float32)
    args = t.numpy().astype(np.float32)[:, None] * freqs[None, :]
    wide = args.astype(np.float64)
    emb = np.concatenate([np.cos(wide).astype(np.float32), np.sin(wide).astype(np.float32)], axis=1)
    return torch.from_numpy(emb.astype(np.float64))

def pos_table(dim, grid, base):
    """2-D sin-cos table (grid*grid, dim): first half encodes the column, second the row; float32 coordinates."""
    coords = (np.arange(grid, dtype=np.float32) / np.float32(grid / base)).astype(np.float64)
    def one_d(pos):
        omega = 1.0 / 10000.0 ** (np.arange(dim // 4, dtype=np.float64) / (dim / 4.0))
        args = pos[:, None] * omega[None, :]
        return np.concatenate([np.sin(args), np.cos(args)], axis=1)
    col = np.tile(coords, grid)          # x of raster position r*grid + c is coords[c]
    row = np.repeat(coords, grid)        # y is coords[r]
    return np.concatenate([one_d(col), one_d(row)], axis=1).astype(np.float32)

def crop(table, grid, h, w):
    top, left = (grid - h) // 2, (grid - w) // 2
    return table.reshape(grid, grid, -1)[top:top + h, left:left + w].reshape(h * w, -1)

def heads(x, n):
    b, t, d = x.shape
    return x.reshape(b, t, n, d // n).transpose(1, 2)

def attend(q, k, v):
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    out = torch.softmax(scores, dim=-1) @ v
    return out.transpose(1, 2).reshape(q.shape[0], q.shape[2], -1)

def qkv(x, w, p, names, norms, n, rms):
    q, k, v = (heads(lin(x, w, p + nm), n) for nm in names)
    if rms:
        q, k = rms_norm(q, w[p + norms[0] + ".weight"]), rms_norm(k, w[p + norms[1] + ".weight"])
    return q, k, v

def block(w, i, cfg, x, c, temb, last, dual):
    b = "transformer_blocks.%d." % i
    n, rms = cfg["num_attention_heads"], cfg["qk_norm"] == "rms_norm"
    e = lin(silu(temb), w, b + "norm1.linear")
    ch = e.chunk(9 if dual else 6, dim=1)
    shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = ch[:6]
    xn = layer_norm(x)
    x_hat = xn * (1 + scale_msa[:, None]) + shift_msa[:, None]
    ec = lin(silu(temb), w, b + "norm1_context.linear")
    if last:
        scale, shift = ec.chunk(2, dim=1)
        c_hat = layer_norm(c) * (1 + scale[:, None]) + shift[:, None]
    else:
        c_shift_msa, c_scale_msa, c_gate_msa, c_shift_mlp, c_scale_mlp, c_gate_mlp = ec.chunk(6, dim=1)
        c_hat = layer_norm(c) * (1 + c_scale_msa[:, None]) + c_shift_msa[:, None]
    a = b + "attn."
    qi, ki, vi = qkv(x_hat, w, a, ("to_q", "to_k", "to_v"), ("norm_q", "norm_k"), n, rms)
    qc, kc, vc = qkv(c_hat, w, a, ("add_q_proj", "add_k_proj", "add_v_proj"), ("norm_added_q", "norm_added_k"), n, rms)
    joint = attend(torch.cat([qi, qc], 2), torch.cat([ki, kc], 2), torch.cat([vi, vc], 2))
    n_img = x.shape[1]
    x = x + gate_msa[:, None] * lin(joint[:, :n_img], w, a + "to_out.0")
    if dual:
        shift2, scale2, gate2 = ch[6:]
        q2, k2, v2 = qkv(xn * (1 + scale2[:, None]) + shift2[:, None], w, b + "attn2.", ("to_q", "to_k", "to_v"),
                         ("norm_q", "norm_k"), n, rms)
        x = x + gate2[:, None] * lin(attend(q2, k2, v2), w, b + "attn2.to_out.0")
    x = x + gate_mlp[:, None] * feed_forward(layer_norm(x) * (1 + scale_mlp[:, None]) + shift_mlp[:, None], w, b + "ff")
    if last:
        return None, x
    c = c + c_gate_msa[:, None] * lin(joint[:, n_img:], w, a + "to_add_out")
    c = c + c_gate_mlp[:, None] * feed_forward(layer_norm(c) * (1 + c_scale_mlp[:, None]) + c_shift_mlp[:, None], w,
                                               b + "ff_context")
    return c, x

def forward(w, cfg, x, ehs, pooled, t, g=None, vec=None, guidance=None, skip=(), term=True):
    bsz, cin, H, W = x.shape
    p, grid = cfg["patch_size"], cfg["pos_embed_max_size"]
    h, wd = H // p, W // p
    d = cfg["num_attention_heads"] * cfg["attention_head_dim"]
    patches = x.reshape(bsz, cin, h, p, wd, p).permute(0, 2, 4, 1, 3, 5).reshape(bsz, h * wd, cin * p * p)
    tokens = patches @ w["pos_embed.proj.weight"].reshape(d, -1).T + w["pos_embed.proj.bias"]
    table = w["pos_embed.pos_embed"][0].numpy()
    tokens = tokens + torch.from_numpy(crop(table, grid, h, wd))
    temb = mlp(sinusoid(t), w, "time_text_embed.timestep_embedder") + mlp(pooled, w, "time_text_embed.text_embedder")
    if guidance is not None:
        temb = temb + mlp(sinusoid(guidance), w, "guidance_in")
    if g is not None and term:
        temb = temb + mlp(sinusoid(g), w, "time_text_embed.timestep_embedder") * mlp(vec, w, "time_text_embed.text_embedder") / 256.0
    c = lin(ehs, w, "context_embedder")
    for i in range(cfg["num_layers"]):
        if i in skip:
            continue
        c, tokens = block(w, i, cfg, tokens, c, temb, i == cfg["num_layers"] - 1, i in cfg["dual_attention_layers"])
    e = lin(silu(temb), w, "norm_out.linear")
    scale, shift = e.chunk(2, dim=1)
    out = lin(layer_norm(tokens) * (1 + scale[:, None]) + shift[:, None], w, "proj_out")
    cout = cfg["out_channels"] or cin
    return out.reshape(bsz, h, wd, p, p, cout).permute(0, 5, 1, 3, 2, 4).reshape(bsz, cout, H, W)

# ---------------------------------------------------------------- fixtures
def shapes(cfg):
    import make_keys
    return make_keys.expected(cfg)

def random_weights(cfg, gen):
    w = {}
    for name, shape in sorted(shapes(cfg).items()):
        if name == "pos_embed.pos_embed":
            continue
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        if name.endswith("norm_q.weight") or name.endswith("norm_k.weight") or "norm_added" in name:
            w[name] = 1.0 + 0.2 * torch.randn(shape, generator=gen)
        elif name.endswith(".bias"):
            w[name] = 0.1 * torch.randn(shape, generator=gen)
        else:
            w[name] = torch.randn(shape, generator=gen) / math.sqrt(fan_in)
    d = cfg["num_attention_heads"] * cfg["attention_head_dim"]
    grid = cfg["pos_embed_max_size"]
    w["pos_embed.pos_embed"] = torch.from_numpy(pos_table(d, grid, cfg["sample_size"] // cfg["patch_size"]))[None]
    return {k: v.to(torch.float32) for k, v in w.items()}

def save(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        data = tensors[name].detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))

def write_case(name, cfg, latent_hw, batch_inputs, seed):
    gen = torch.Generator().manual_seed(seed)
    w = random_weights(cfg, gen)
    w64 = {k: v.to(F64) for k, v in w.items()}
    bsz, (H, W) = len(batch_inputs["t"]), latent_hw
    d_in = cfg["in_channels"]
    inputs = {
        "hidden_states": torch.randn(bsz, d_in, H, W, generator=gen),
        "encoder_hidden_states": torch.randn(bsz, 5, cfg["joint_attention_dim"], generator=gen),
        "pooled_projections": torch.randn(bsz, cfg["pooled_projection_dim"], generator=gen),
        "timestep": torch.tensor(batch_inputs["t"], dtype=torch.float32),
    }
    if cfg["txt_align_guidance"]:
        inputs["txt_align_guidance"] = torch.tensor(batch_inputs["g"], dtype=torch.float32)
        # ×10 so that the TeEFusion term (divided by 256) moves the output well above fp32 noise.
        inputs["txt_align_vec"] = 10.0 * torch.randn(bsz, cfg["pooled_projection_dim"], generator=gen)
    if cfg["guidance"]:
        inputs["guidance"] = torch.tensor(batch_inputs["guidance"], dtype=torch.float32)
    i64 = {k: v.to(F64) for k, v in inputs.items()}
    run = lambda **kw: forward(w64, cfg, i64["hidden_states"], i64["encoder_hidden_states"], i64["pooled_projections"],
                               inputs["timestep"], i64.get("txt_align_guidance"), i64.get("txt_align_vec"),
                               i64.get("guidance"), **kw)
    expected = {"velocity": run(), "velocity_skip1": run(skip=(1,))}
    # Small t and w, whose float32 sinusoid is exact to an ulp on any libm: pins the rest of the model in float64.
    small = {"timestep": torch.tensor([0.5, 2.0])}
    if cfg["txt_align_guidance"]:
        small["txt_align_guidance"] = torch.tensor([1.0, 0.0])
    if cfg["guidance"]:
        small["guidance"] = torch.tensor([3.0, 0.0])
    expected["velocity_small_t"] = forward(
        w64, cfg, i64["hidden_states"], i64["encoder_hidden_states"], i64["pooled_projections"], small["timestep"],
        small["txt_align_guidance"].to(F64) if cfg["txt_align_guidance"] else None,
        i64.get("txt_align_vec"), small["guidance"].to(F64) if cfg["guidance"] else None)
    inputs.update({"small_" + k: v for k, v in small.items()})
    if cfg["txt_align_guidance"]:
        expected["velocity_no_term"] = run(term=False)
        g0 = dict(i64, txt_align_guidance=torch.zeros(bsz, dtype=F64))
        expected["velocity_g0"] = forward(w64, cfg, g0["hidden_states"], g0["encoder_hidden_states"],
                                          g0["pooled_projections"], inputs["timestep"], g0["txt_align_guidance"],
                                          g0["txt_align_vec"])
    save(name + ".safetensors", w)
    cases = {"input." + k: v for k, v in inputs.items()}
    cases.update({"expected." + k: v for k, v in expected.items()})
    save(name + "_io.safetensors", cases)
    with open(name + "_config.json", "w") as f:
        json.dump(dict(cfg, _class_name="SD3Transformer2DModel", _diffusers_version="0.32.2"), f, indent=2, sort_keys=True)
        f.write("\n")

def write_embeddings():
    t = torch.tensor([0.0, 1.0, 8.929, 500.5, 999.0, 4992.0])
    d, grid, base = 16, 16, 6
    table = pos_table(d, grid, base)
    save("embeddings.safetensors", {
        "timesteps": t,
        "sinusoid": sinusoid(t),
        "pos_table_16x16_base6": torch.from_numpy(table),
        "pos_crop_12x6": torch.from_numpy(crop(table, grid, 6, 3)),   # latent 12x6 px, patch 2: top 5, left 6
        "pos_crop_8x8": torch.from_numpy(crop(table, grid, 4, 4)),    # latent 8x8 px: top 6, left 6
        "pos_crop_32x32": torch.from_numpy(crop(table, grid, 16, 16)),  # the whole table
    })

TINY_SD3 = dict(sample_size=12, patch_size=2, in_channels=16, num_layers=3, attention_head_dim=8, num_attention_heads=2,
                joint_attention_dim=32, caption_projection_dim=16, pooled_projection_dim=24, out_channels=16,
                pos_embed_max_size=16, dual_attention_layers=[], qk_norm=None, guidance=False, txt_align_guidance=True)
TINY_SD35 = dict(TINY_SD3, dual_attention_layers=[0, 1], qk_norm="rms_norm", guidance=True, txt_align_guidance=False,
                 out_channels=None)

if __name__ == "__main__":
    write_embeddings()
    # Non-square latent 12x6 -> 6x3 patches, cropped at (5, 6) of the 16x16 table; per-sample t and guidance.
    write_case("tiny_sd3_teefusion", TINY_SD3, (12, 6), dict(t=[937.5, 63.2], g=[4992.0, 2500.0]), seed=1)
    write_case("tiny_sd35_guidance", TINY_SD35, (8, 10), dict(t=[500.0, 8.929], guidance=[3500.0, 0.0]), seed=2)
