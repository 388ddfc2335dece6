#!/usr/bin/python3
"""Expected uint8 pixels for decoder outputs, computed the way diffusers' VaeImageProcessor.postprocess does:
denormalize (x / 2 + 0.5).clamp(0, 1) in the tensor's dtype, .float(), numpy (x * 255).round().astype(uint8).
Written from that description with Debian's python3-torch + numpy. Run: /usr/bin/python3 gen_postprocess.py
"""
import json
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def postprocess(x):
    unit = (x / 2 + 0.5).clamp(0, 1)
    pixels = unit.float().permute(1, 2, 0).numpy()          # (H, W, 3)
    return (pixels * 255).round().astype("uint8")


def case(name, x):
    return {"name": name, "dtype": str(x.dtype).replace("torch.", ""), "shape": list(x.shape),
            "input": [float(v) for v in x.float().flatten().tolist()],
            "expected_hwc": postprocess(x).flatten().tolist()}


def main():
    g = torch.Generator().manual_seed(0)
    wide = torch.randn(3, 6, 5, generator=g) * 0.7                      # mostly inside [-1, 1]
    wide[0, 0, :] = torch.tensor([-1.5, -1.0, 0.0, 1.0, 1.5])           # clamps and the 127.5 tie
    # Values that float32 maps exactly onto k + 0.5 after scaling, to pin the half-to-even rule.
    k = torch.arange(0, 255, dtype=torch.float64)
    x0 = (2 * (k + 0.5) / 255 - 1).float()
    ties = [x for x in x0.tolist() if float(((torch.tensor(x) / 2 + 0.5) * 255).item()) % 1 == 0.5][:30]
    tie = torch.tensor(ties + [0.0] * (30 - len(ties))).reshape(3, 2, 5)
    bf16 = (torch.randn(3, 4, 4, generator=g) * 0.9).to(torch.bfloat16)
    cases = [case("float32_random", wide), case("float32_ties", tie), case("bfloat16_random", bf16)]
    with open(os.path.join(HERE, "postprocess.json"), "w") as f:
        json.dump(cases, f)
    print({c["name"]: len(c["input"]) for c in cases}, "ties found:", len(ties))


if __name__ == "__main__":
    main()
