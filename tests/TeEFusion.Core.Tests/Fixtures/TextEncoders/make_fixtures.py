#!/usr/bin/python3
"""Independent reference for the text-encoder tests (torch 1.13, no transformers).

Written from the math in section 8 (CLIP pre-LN causal encoder, T5 v1.1 encoder) of SD3-TEEFUSION-FACTS.md (the facts
sheet this project was specified from, kept outside this repository), not from transformers' code. Writes, per tiny case (clip_quick_gelu, clip_gelu, t5_tiny), a folder
with config.json, model.safetensors (seeded random weights under transformers' key names) and expected.safetensors
(input ids and reference outputs); and keys_clip_l.json, keys_clip_bigg.json, keys_t5_xxl.json (key -> shape).
Run from this folder: /usr/bin/python3 make_fixtures.py
"""
import json
import math
import os
import struct

import torch

torch.manual_seed(1234)
F32 = torch.float32


def write_case(folder, config, weights, expected):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    write_safetensors(os.path.join(folder, "model.safetensors"), weights)
    write_safetensors(os.path.join(folder, "expected.safetensors"), expected)


def write_safetensors(path, tensors):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        t = t.contiguous()
        dtype = {torch.float32: "F32", torch.int64: "I64"}[t.dtype]
        raw = t.numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def rnd(*shape, scale=0.2):
    return torch.randn(*shape, dtype=F32) * scale


# ---------------------------------------------------------------- CLIP text encoder
def clip_keys(c):
    d, f = c["hidden_size"], c["intermediate_size"]
    keys = {
        "text_model.embeddings.token_embedding.weight": [c["vocab_size"], d],
        "text_model.embeddings.position_embedding.weight": [c["max_position_embeddings"], d],
    }
    for i in range(c["num_hidden_layers"]):
        p = f"text_model.encoder.layers.{i}."
        for proj in ("q_proj", "k_proj", "v_proj", "out_proj"):
            keys[p + f"self_attn.{proj}.weight"] = [d, d]
            keys[p + f"self_attn.{proj}.bias"] = [d]
        for ln in ("layer_norm1", "layer_norm2"):
            keys[p + f"{ln}.weight"] = [d]
            keys[p + f"{ln}.bias"] = [d]
        keys[p + "mlp.fc1.weight"] = [f, d]
        keys[p + "mlp.fc1.bias"] = [f]
        keys[p + "mlp.fc2.weight"] = [d, f]
        keys[p + "mlp.fc2.bias"] = [d]
    keys["text_model.final_layer_norm.weight"] = [d]
    keys["text_model.final_layer_norm.bias"] = [d]
    keys["text_projection.weight"] = [c["projection_dim"], d]
    return keys


def clip_random_weights(c):
    w = {}
    for k, shape in clip_keys(c).items():
        if "layer_norm" in k and k.endswith(".weight"):
            w[k] = 1.0 + rnd(*shape, scale=0.1)
        elif "embedding" in k:
            w[k] = rnd(*shape, scale=0.5)
        elif k.endswith(".bias"):
            w[k] = rnd(*shape, scale=0.05)
        else:
            w[k] = rnd(*shape, scale=shape[-1] ** -0.5)
    return w


def act(name, x):
    if name == "quick_gelu":
        return x * torch.sigmoid(1.702 * x)
    if name == "gelu":
        return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))
    if name == "gelu_new":
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))
    raise ValueError(name)


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * w + b


def clip_forward(c, w, ids):
    bsz, n = ids.shape
    d, h = c["hidden_size"], c["num_attention_heads"]
    hd = d // h
    x = w["text_model.embeddings.token_embedding.weight"][ids] + w["text_model.embeddings.position_embedding.weight"][:n]
    hidden_states = [x]
    future = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)
    lin = lambda t, k: t @ w[k + ".weight"].T + w[k + ".bias"]
    for i in range(c["num_hidden_layers"]):
        p = f"text_model.encoder.layers.{i}."
        y = layer_norm(x, w[p + "layer_norm1.weight"], w[p + "layer_norm1.bias"], c["layer_norm_eps"])
        q, k, v = (lin(y, p + f"self_attn.{m}").view(bsz, n, h, hd).transpose(1, 2) for m in ("q_proj", "k_proj", "v_proj"))
        s = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        s = s.masked_fill(future, float("-inf"))
        o = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(bsz, n, d)
        x = x + lin(o, p + "self_attn.out_proj")
        y = layer_norm(x, w[p + "layer_norm2.weight"], w[p + "layer_norm2.bias"], c["layer_norm_eps"])
        x = x + lin(act(c["hidden_act"], lin(y, p + "mlp.fc1")), p + "mlp.fc2")
        hidden_states.append(x)
    last = layer_norm(x, w["text_model.final_layer_norm.weight"], w["text_model.final_layer_norm.bias"], c["layer_norm_eps"])
    if c["eos_token_id"] == 2:
        # legacy configs: the end-of-text token has the largest id, first one wins on ties
        eos = torch.tensor([max(range(n), key=lambda j: (row[j], -j)) for row in ids.tolist()])
    else:
        eos = torch.tensor([row.index(c["eos_token_id"]) for row in ids.tolist()])
    pooled = last[torch.arange(bsz), eos]
    return hidden_states[-2], last, pooled @ w["text_projection.weight"].T, eos


def clip_fixture(name, c, ids):
    w = clip_random_weights(c)
    penult, last, embeds, eos = clip_forward(c, w, ids)
    write_case(name, c, w, {"input_ids": ids, "penultimate_hidden_state": penult, "last_hidden_state": last,
                            "text_embeds": embeds, "eos_position": eos})


clip_base = dict(hidden_size=32, intermediate_size=48, num_hidden_layers=3, num_attention_heads=4,
                 max_position_embeddings=12, vocab_size=100, layer_norm_eps=1e-5, projection_dim=24,
                 bos_token_id=0, pad_token_id=1)
# Legacy (eos_token_id 2): pooled row is at argmax(ids); row 0 has a tie at 99 (first wins), row 1 pads with 99.
ids_legacy = torch.tensor([[98, 10, 99, 40, 99, 5, 5, 5, 5, 5, 5, 5],
                           [98, 12, 13, 14, 99, 99, 99, 99, 99, 99, 99, 99]])
clip_fixture("clip_quick_gelu", dict(clip_base, hidden_act="quick_gelu", eos_token_id=2), ids_legacy)
# New-style config: pooled row is the first eos (7), although larger ids follow it.
ids_eos = torch.tensor([[98, 10, 11, 7, 60, 7, 0, 0, 0, 0, 0, 0],
                        [98, 50, 51, 52, 53, 54, 55, 56, 7, 90, 7, 7]])
clip_fixture("clip_gelu", dict(clip_base, hidden_act="gelu", eos_token_id=7, max_position_embeddings=14), ids_eos)


# ---------------------------------------------------------------- T5 v1.1 encoder
def t5_keys(c, both_embeddings=True):
    d, inner, f = c["d_model"], c["num_heads"] * c["d_kv"], c["d_ff"]
    keys = {"shared.weight": [c["vocab_size"], d]}
    if both_embeddings:
        keys["encoder.embed_tokens.weight"] = [c["vocab_size"], d]
    for i in range(c["num_layers"]):
        p = f"encoder.block.{i}.layer."
        keys[p + "0.SelfAttention.q.weight"] = [inner, d]
        keys[p + "0.SelfAttention.k.weight"] = [inner, d]
        keys[p + "0.SelfAttention.v.weight"] = [inner, d]
        keys[p + "0.SelfAttention.o.weight"] = [d, inner]
        if i == 0:
            keys[p + "0.SelfAttention.relative_attention_bias.weight"] = [c["relative_attention_num_buckets"], c["num_heads"]]
        keys[p + "0.layer_norm.weight"] = [d]
        keys[p + "1.DenseReluDense.wi_0.weight"] = [f, d]
        keys[p + "1.DenseReluDense.wi_1.weight"] = [f, d]
        keys[p + "1.DenseReluDense.wo.weight"] = [d, f]
        keys[p + "1.layer_norm.weight"] = [d]
    keys["encoder.final_layer_norm.weight"] = [d]
    return keys


def bucket(rel, num_buckets, max_distance):
    # bidirectional: half the buckets for keys after the query; exact below num_buckets/4, log-spaced above
    half = num_buckets // 2
    base = half if rel > 0 else 0
    r = abs(rel)
    exact = half // 2
    if r < exact:
        return base + r
    large = exact + int(math.log(r / exact) / math.log(max_distance / exact) * (half - exact))
    return base + min(large, half - 1)


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def t5_forward(c, w, ids):
    bsz, n = ids.shape
    h, dk = c["num_heads"], c["d_kv"]
    eps = c["layer_norm_epsilon"]
    x = w["shared.weight"][ids]
    buckets = torch.tensor([[bucket(k - q, c["relative_attention_num_buckets"], c["relative_attention_max_distance"])
                             for k in range(n)] for q in range(n)])
    bias = w["encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight"][buckets].permute(2, 0, 1)  # (h, q, k)
    for i in range(c["num_layers"]):
        p = f"encoder.block.{i}.layer."
        y = rms_norm(x, w[p + "0.layer_norm.weight"], eps)
        q, k, v = ((y @ w[p + f"0.SelfAttention.{m}.weight"].T).view(bsz, n, h, dk).transpose(1, 2) for m in "qkv")
        s = q @ k.transpose(-1, -2) + bias  # T5 folds 1/sqrt(d) into the initialisation: no scaling here
        o = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(bsz, n, h * dk)
        x = x + o @ w[p + "0.SelfAttention.o.weight"].T
        y = rms_norm(x, w[p + "1.layer_norm.weight"], eps)
        g = act("gelu_new", y @ w[p + "1.DenseReluDense.wi_0.weight"].T) * (y @ w[p + "1.DenseReluDense.wi_1.weight"].T)
        x = x + g @ w[p + "1.DenseReluDense.wo.weight"].T
    return rms_norm(x, w["encoder.final_layer_norm.weight"], eps)


t5_tiny = dict(d_model=32, d_kv=8, num_heads=3, d_ff=40, num_layers=2, vocab_size=64,
               relative_attention_num_buckets=8, relative_attention_max_distance=12, layer_norm_epsilon=1e-6,
               feed_forward_proj="gated-gelu", eos_token_id=1, pad_token_id=0)
tw = {}
for k, shape in t5_keys(t5_tiny, both_embeddings=False).items():
    tw[k] = 1.0 + rnd(*shape, scale=0.1) if k.endswith("layer_norm.weight") else (
        rnd(*shape, scale=1.0) if "shared" in k or "relative" in k else rnd(*shape, scale=shape[-1] ** -0.5))
t5_ids = torch.randint(2, 64, (2, 20))
t5_ids[0, 15], t5_ids[0, 16:] = 1, 0
t5_ids[1, 19] = 1
rel = torch.arange(-300, 301)
write_case("t5_tiny", t5_tiny, tw, {
    "input_ids": t5_ids, "last_hidden_state": t5_forward(t5_tiny, tw, t5_ids), "relative_positions": rel,
    "buckets_32_128": torch.tensor([bucket(r, 32, 128) for r in rel.tolist()]),
    "buckets_8_12": torch.tensor([bucket(r, 8, 12) for r in rel.tolist()])})


# ---------------------------------------------------------------- full-size key lists (facts section 8)
def dump(name, keys):
    with open(name, "w") as f:
        json.dump(keys, f, indent=0)
        f.write("\n")


dump("keys_clip_l.json", clip_keys(dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                                        vocab_size=49408, max_position_embeddings=77, projection_dim=768)))
dump("keys_clip_bigg.json", clip_keys(dict(hidden_size=1280, intermediate_size=5120, num_hidden_layers=32,
                                           vocab_size=49408, max_position_embeddings=77, projection_dim=1280)))
dump("keys_t5_xxl.json", t5_keys(dict(d_model=4096, num_heads=64, d_kv=64, d_ff=10240, num_layers=24, vocab_size=32128,
                                      relative_attention_num_buckets=32)))
