"""Expected state_dict key -> shape lists for SD3Transformer2DModel, written from section 5 (diffusers'
names) of SD3-TEEFUSION-FACTS.md (the facts sheet this project was specified from, kept outside this repository),
independently of the C# code. Run with /usr/bin/python3 make_keys.py (no torch needed)."""
import json

def linear(keys, name, out_f, in_f):
    keys[name + ".weight"] = [out_f, in_f]
    keys[name + ".bias"] = [out_f]

def attention(keys, p, dim, head_dim, joint, project_context, rms):
    for n in ("to_q", "to_k", "to_v"):
        linear(keys, p + n, dim, dim)
    linear(keys, p + "to_out.0", dim, dim)
    if rms:
        keys[p + "norm_q.weight"] = [head_dim]
        keys[p + "norm_k.weight"] = [head_dim]
    if joint:
        for n in ("add_q_proj", "add_k_proj", "add_v_proj"):
            linear(keys, p + n, dim, dim)
        if rms:
            keys[p + "norm_added_q.weight"] = [head_dim]
            keys[p + "norm_added_k.weight"] = [head_dim]
        if project_context:
            linear(keys, p + "to_add_out", dim, dim)

def expected(c):
    d = c["num_attention_heads"] * c["attention_head_dim"]
    p, cin = c["patch_size"], c["in_channels"]
    rms = c.get("qk_norm") == "rms_norm"
    keys = {}
    keys["pos_embed.proj.weight"] = [d, cin, p, p]
    keys["pos_embed.proj.bias"] = [d]
    keys["pos_embed.pos_embed"] = [1, c["pos_embed_max_size"] ** 2, d]
    linear(keys, "time_text_embed.timestep_embedder.linear_1", d, 256)
    linear(keys, "time_text_embed.timestep_embedder.linear_2", d, d)
    linear(keys, "time_text_embed.text_embedder.linear_1", d, c["pooled_projection_dim"])
    linear(keys, "time_text_embed.text_embedder.linear_2", d, d)
    linear(keys, "context_embedder", c["caption_projection_dim"], c["joint_attention_dim"])
    for i in range(c["num_layers"]):
        b = "transformer_blocks.%d." % i
        last = i == c["num_layers"] - 1
        dual = i in c.get("dual_attention_layers", [])
        linear(keys, b + "norm1.linear", (9 if dual else 6) * d, d)
        linear(keys, b + "norm1_context.linear", (2 if last else 6) * d, d)
        attention(keys, b + "attn.", d, c["attention_head_dim"], True, not last, rms)
        if dual:
            attention(keys, b + "attn2.", d, c["attention_head_dim"], False, False, rms)
        linear(keys, b + "ff.net.0.proj", 4 * d, d)
        linear(keys, b + "ff.net.2", d, 4 * d)
        if not last:
            linear(keys, b + "ff_context.net.0.proj", 4 * d, d)
            linear(keys, b + "ff_context.net.2", d, 4 * d)
    linear(keys, "norm_out.linear", 2 * d, d)
    out = c.get("out_channels") or cin
    linear(keys, "proj_out", p * p * out, d)
    if c.get("guidance"):
        linear(keys, "guidance_in.linear_1", d, 256)
        linear(keys, "guidance_in.linear_2", d, d)
    return keys

SD3_MEDIUM = dict(sample_size=128, patch_size=2, in_channels=16, num_layers=24, attention_head_dim=64,
                  num_attention_heads=24, joint_attention_dim=4096, caption_projection_dim=1536,
                  pooled_projection_dim=2048, out_channels=16, pos_embed_max_size=192, dual_attention_layers=[],
                  qk_norm=None, guidance=False, txt_align_guidance=True)
# SD3.5-style tiny model: one dual-attention block, RMS qk-norm, and the guidance_in variant.
TINY_SD35 = dict(sample_size=8, patch_size=2, in_channels=4, num_layers=3, attention_head_dim=8, num_attention_heads=2,
                 joint_attention_dim=12, caption_projection_dim=16, pooled_projection_dim=10, out_channels=None,
                 pos_embed_max_size=6, dual_attention_layers=[0], qk_norm="rms_norm", guidance=True,
                 txt_align_guidance=False)

if __name__ == "__main__":
    medium = expected(SD3_MEDIUM)
    total = sum(eval("*".join(map(str, s))) for s in medium.values())
    assert total == 2084951104, total  # the facts file's parameter count, buffer included
    for name, cfg in (("sd3_medium", SD3_MEDIUM), ("tiny_sd35", TINY_SD35)):
        with open(name + "_config.json", "w") as f:
            json.dump(dict(cfg, _class_name="SD3Transformer2DModel", _diffusers_version="0.32.2"), f, indent=2, sort_keys=True)
            f.write("\n")
        with open(name + "_keys.json", "w") as f:
            json.dump(expected(cfg), f, sort_keys=True, separators=(",", ":"))
            f.write("\n")
