"""Independent reference for the C# AutoencoderKL (TeEFusion.Core.Vae), written from the facts file (§7) and the
described diffusers math, not from diffusers' code. Needs only torch (Debian's /usr/bin/python3 has 1.13).

Writes, next to this script:
  sd3_vae_config.json          the SD3 vae/config.json of facts §7
  sd3_vae_keys.json            every state_dict key of that VAE with its shape
  tiny_sd3.{config.json,safetensors,io.safetensors}    tiny SD3-shaped VAE (no quant convs, mid attention)
  tiny_quant.{config.json,safetensors,io.safetensors}  tiny VAE with quant convs, no mid attention, gelu resnets
  (.safetensors holds exactly the state_dict; .io.safetensors the inputs and the expected outputs)

Regenerate: /usr/bin/python3 tests/TeEFusion.Core.Tests/Fixtures/Vae/make_vae_fixtures.py
"""
import json
import math
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
EPS = 1e-6


def act(name):
    return {"silu": nn.SiLU(), "swish": nn.SiLU(), "gelu": nn.GELU(), "relu": nn.ReLU(), "mish": nn.Mish()}[name]


class Res(nn.Module):
    def __init__(s, cin, cout, g, a, dev):
        super().__init__()
        s.norm1 = nn.GroupNorm(g, cin, eps=EPS, device=dev)
        s.conv1 = nn.Conv2d(cin, cout, 3, padding=1, device=dev)
        s.norm2 = nn.GroupNorm(g, cout, eps=EPS, device=dev)
        s.conv2 = nn.Conv2d(cout, cout, 3, padding=1, device=dev)
        s.a = act(a)
        if cin != cout:
            s.conv_shortcut = nn.Conv2d(cin, cout, 1, device=dev)
        else:
            s.conv_shortcut = None

    def forward(s, x):
        h = s.conv2(s.a(s.norm2(s.conv1(s.a(s.norm1(x))))))
        return (x if s.conv_shortcut is None else s.conv_shortcut(x)) + h


class Attn(nn.Module):
    """Single-head self-attention over the H*W positions, channels as features, with a pre-GroupNorm."""

    def __init__(s, c, g, dev):
        super().__init__()
        s.group_norm = nn.GroupNorm(g, c, eps=EPS, device=dev)
        s.to_q = nn.Linear(c, c, device=dev)
        s.to_k = nn.Linear(c, c, device=dev)
        s.to_v = nn.Linear(c, c, device=dev)
        s.to_out = nn.ModuleList([nn.Linear(c, c, device=dev)])

    def forward(s, x):
        b, c, h, w = x.shape
        t = s.group_norm(x).reshape(b, c, h * w).permute(0, 2, 1)
        q, k, v = s.to_q(t), s.to_k(t), s.to_v(t)
        p = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(c), dim=-1)
        o = s.to_out[0](p @ v)
        return x + o.permute(0, 2, 1).reshape(b, c, h, w)


class Mid(nn.Module):
    def __init__(s, c, g, a, attn, dev):
        super().__init__()
        s.resnets = nn.ModuleList([Res(c, c, g, a, dev), Res(c, c, g, a, dev)])
        s.attentions = nn.ModuleList([Attn(c, g, dev)]) if attn else None

    def forward(s, x):
        x = s.resnets[0](x)
        if s.attentions is not None:
            x = s.attentions[0](x)
        return s.resnets[1](x)


class Down(nn.Module):
    def __init__(s, c, dev):
        super().__init__()
        s.conv = nn.Conv2d(c, c, 3, stride=2, device=dev)

    def forward(s, x):
        return s.conv(F.pad(x, (0, 1, 0, 1)))


class Up(nn.Module):
    def __init__(s, c, dev):
        super().__init__()
        s.conv = nn.Conv2d(c, c, 3, padding=1, device=dev)

    def forward(s, x):
        return s.conv(x.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3))


class Block(nn.Module):
    def __init__(s, cin, cout, n, g, a, dev):
        super().__init__()
        s.resnets = nn.ModuleList([Res(cin if i == 0 else cout, cout, g, a, dev) for i in range(n)])

    def forward(s, x):
        for r in s.resnets:
            x = r(x)
        name = "downsamplers" if hasattr(s, "downsamplers") else "upsamplers" if hasattr(s, "upsamplers") else None
        return getattr(s, name)[0](x) if name else x


def make_down_block(cin, cout, n, g, a, last, dev):
    blk = Block(cin, cout, n, g, a, dev)
    if not last:
        blk.downsamplers = nn.ModuleList([Down(cout, dev)])
    return blk


def make_up_block(cin, cout, n, g, a, last, dev):
    blk = Block(cin, cout, n, g, a, dev)
    if not last:
        blk.upsamplers = nn.ModuleList([Up(cout, dev)])
    return blk


class Enc(nn.Module):
    def __init__(s, cfg, dev):
        super().__init__()
        ch, g, a, n = cfg["block_out_channels"], cfg["norm_num_groups"], cfg["act_fn"], cfg["layers_per_block"]
        s.conv_in = nn.Conv2d(cfg["in_channels"], ch[0], 3, padding=1, device=dev)
        s.down_blocks = nn.ModuleList(
            [make_down_block(ch[max(i - 1, 0)], ch[i], n, g, a, i == len(ch) - 1, dev) for i in range(len(ch))])
        s.mid_block = Mid(ch[-1], g, a, cfg["mid_block_add_attention"], dev)
        s.conv_norm_out = nn.GroupNorm(g, ch[-1], eps=EPS, device=dev)
        s.conv_out = nn.Conv2d(ch[-1], 2 * cfg["latent_channels"], 3, padding=1, device=dev)

    def forward(s, x):
        x = s.conv_in(x)
        for b in s.down_blocks:
            x = b(x)
        return s.conv_out(F.silu(s.conv_norm_out(s.mid_block(x))))


class Dec(nn.Module):
    def __init__(s, cfg, dev):
        super().__init__()
        ch, g, a, n = cfg["block_out_channels"][::-1], cfg["norm_num_groups"], cfg["act_fn"], cfg["layers_per_block"]
        s.conv_in = nn.Conv2d(cfg["latent_channels"], ch[0], 3, padding=1, device=dev)
        s.mid_block = Mid(ch[0], g, a, cfg["mid_block_add_attention"], dev)
        s.up_blocks = nn.ModuleList(
            [make_up_block(ch[max(i - 1, 0)], ch[i], n + 1, g, a, i == len(ch) - 1, dev) for i in range(len(ch))])
        s.conv_norm_out = nn.GroupNorm(g, ch[-1], eps=EPS, device=dev)
        s.conv_out = nn.Conv2d(ch[-1], cfg["out_channels"], 3, padding=1, device=dev)

    def forward(s, z):
        x = s.mid_block(s.conv_in(z))
        for b in s.up_blocks:
            x = b(x)
        return s.conv_out(F.silu(s.conv_norm_out(x)))


class Vae(nn.Module):
    def __init__(s, cfg, dev="cpu"):
        super().__init__()
        s.cfg = cfg
        s.encoder = Enc(cfg, dev)
        s.decoder = Dec(cfg, dev)
        L = cfg["latent_channels"]
        if cfg["use_quant_conv"]:
            s.quant_conv = nn.Conv2d(2 * L, 2 * L, 1, device=dev)
        if cfg["use_post_quant_conv"]:
            s.post_quant_conv = nn.Conv2d(L, L, 1, device=dev)

    def moments(s, x):
        m = s.encoder(x)
        return s.quant_conv(m) if hasattr(s, "quant_conv") else m

    def decode_raw(s, z):
        return s.decoder(s.post_quant_conv(z) if hasattr(s, "post_quant_conv") else z)

    def tiled_decode(s, z, tile, overlap):
        """Overlapping tiles, each decoded alone; the first `blend` rows/cols of a tile fade in from the previous
        tile's last ones (linear weights i/blend), each tile then cropped to its first `keep` rows/cols."""
        f = 2 ** (len(s.cfg["block_out_channels"]) - 1)
        stride, blend = int(tile * (1 - overlap)), int(tile * f * overlap)
        keep = tile * f - blend
        H, W = z.shape[2], z.shape[3]
        grid = [[s.decode_raw(z[:, :, i:i + tile, j:j + tile]) for j in range(0, W, stride)] for i in range(0, H, stride)]
        for i, row in enumerate(grid):
            for j in range(len(row)):
                t = row[j].clone()
                if i > 0:
                    prev = grid[i - 1][j]
                    e = min(prev.shape[2], t.shape[2], blend)
                    wts = torch.tensor([k / e for k in range(e)], dtype=torch.float64).float().view(1, 1, e, 1)
                    t[:, :, :e] = prev[:, :, prev.shape[2] - e:] * (1 - wts) + t[:, :, :e] * wts
                if j > 0:
                    prev = row[j - 1]
                    e = min(prev.shape[3], t.shape[3], blend)
                    wts = torch.tensor([k / e for k in range(e)], dtype=torch.float64).float().view(1, 1, 1, e)
                    t[:, :, :, :e] = prev[:, :, :, prev.shape[3] - e:] * (1 - wts) + t[:, :, :, :e] * wts
                row[j] = t
        return torch.cat([torch.cat([t[:, :, :keep, :keep] for t in row], dim=3) for row in grid], dim=2)


def base_config(**kw):
    cfg = {
        "_class_name": "AutoencoderKL", "_diffusers_version": "0.29.0.dev0",
        "act_fn": "silu", "block_out_channels": [128, 256, 512, 512],
        "down_block_types": ["DownEncoderBlock2D"] * 4, "force_upcast": True, "in_channels": 3,
        "latent_channels": 16, "latents_mean": None, "latents_std": None, "layers_per_block": 2,
        "mid_block_add_attention": True, "norm_num_groups": 32, "out_channels": 3, "sample_size": 1024,
        "scaling_factor": 1.5305, "shift_factor": 0.0609, "up_block_types": ["UpDecoderBlock2D"] * 4,
        "use_post_quant_conv": False, "use_quant_conv": False,
    }
    cfg.update(kw)
    return cfg


def write_json(name, obj):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")


def write_safetensors(name, tensors):
    header, blobs, offset = {}, [], 0
    for key, t in tensors.items():
        data = t.detach().contiguous().float().numpy().tobytes()
        header[key] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def randomize(model, gen):
    for name, p in model.named_parameters():
        with torch.no_grad():
            if name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=gen))
            elif p.dim() == 1:  # GroupNorm weight
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=gen))
            else:
                p.copy_(torch.randn(p.shape, generator=gen) / math.sqrt(p[0].numel()))


def tiny_fixture(stem, cfg, seed):
    write_json(stem + ".config.json", cfg)
    gen = torch.Generator().manual_seed(seed)
    vae = Vae(cfg)
    randomize(vae, gen)
    s, sh = cfg["scaling_factor"], cfg["shift_factor"] or 0.0
    image = torch.rand((2, cfg["in_channels"], 16, 16), generator=gen) * 2 - 1
    latents = torch.randn((2, cfg["latent_channels"], 8, 8), generator=gen)
    big = torch.randn((1, cfg["latent_channels"], 20, 18), generator=gen)
    with torch.no_grad():
        moments = vae.moments(image)
        mean = moments[:, :cfg["latent_channels"]]
        write_safetensors(stem + ".safetensors", vae.state_dict())
        write_safetensors(stem + ".io.safetensors", {
            "input.image": image, "input.latents": latents, "input.tiled_latents": big,
            "expected.moments": moments,
            "expected.encode": (mean - sh) * s,
            "expected.decode": vae.decode_raw(latents / s + sh),
            # tile 8 latents, overlap 0.25: stride 6, blend 4 rows, 3x3 tiles with ragged edges.
            "expected.tiled_decode_raw": vae.tiled_decode(big, 8, 0.25),
        })


def main():
    torch.manual_seed(0)
    sd3 = base_config()
    write_json("sd3_vae_config.json", sd3)
    meta = Vae(sd3, dev="meta")
    keys = {k: list(v.shape) for k, v in meta.state_dict().items()}
    write_json("sd3_vae_keys.json", {"parameter_count": sum(math.prod(v) for v in keys.values()), "keys": keys})

    tiny = dict(block_out_channels=[8, 16], down_block_types=["DownEncoderBlock2D"] * 2,
                up_block_types=["UpDecoderBlock2D"] * 2, layers_per_block=1, norm_num_groups=4,
                latent_channels=4, sample_size=16, scaling_factor=0.75, shift_factor=0.25)
    tiny_fixture("tiny_sd3", base_config(**tiny), seed=1234)
    tiny.update(use_quant_conv=True, use_post_quant_conv=True, act_fn="gelu", mid_block_add_attention=False,
                shift_factor=None)
    tiny_fixture("tiny_quant", base_config(**tiny), seed=99)


if __name__ == "__main__":
    main()
