#!/usr/bin/python3
"""Expected values for the sampling tests, computed independently with numpy/torch (no diffusers).

The schedule follows the flow-matching recipe in §6 of SD3-TEEFUSION-FACTS.md (the facts
sheet this project was specified from, kept outside this repository) with the precision of each stage
as diffusers does it: float32 training sigmas (shifted once), a float64 linspace between sigma_max and sigma_min
in timestep units, the shift applied again in float64, then float32 sigmas and float32 timesteps = sigmas*1000.
Run: /usr/bin/python3 make_sampling_fixture.py  (writes sampling_fixture.json next to this file).
"""
import json
import math
import os

import numpy as np
import torch


def train_sigma_range(shift, dynamic, train_steps=1000):
    t = torch.tensor([float(train_steps), 1.0], dtype=torch.float32)  # first and last training timestep
    s = t / train_steps
    if not dynamic:
        s = shift * s / (1 + (shift - 1) * s)  # float32 arithmetic, like the scheduler's __init__
    return s[0].item(), s[1].item()


def schedule(steps, shift=1.0, mu=None, shift_type="exponential", terminal=None, train_steps=1000):
    s_max, s_min = train_sigma_range(shift, mu is not None, train_steps)
    ts = np.linspace(s_max * train_steps, s_min * train_steps, steps)  # float64
    sig = ts / train_steps
    if mu is None:
        sig = shift * sig / (1 + (shift - 1) * sig)
    elif shift_type == "exponential":
        sig = math.exp(mu) / (math.exp(mu) + (1 / sig - 1) ** 1.0)
    else:
        sig = mu / (mu + (1 / sig - 1) ** 1.0)
    if terminal:
        one_minus = 1 - sig
        sig = 1 - one_minus / (one_minus[-1] / (1 - terminal))
    sig32 = torch.from_numpy(sig).to(torch.float32)
    timesteps = sig32 * train_steps
    sigmas = torch.cat([sig32, torch.zeros(1)])
    return {"steps": steps, "shift": shift, "mu": mu, "time_shift_type": shift_type, "shift_terminal": terminal,
            "sigmas": [float(x) for x in sigmas], "timesteps": [float(x) for x in timesteps]}


def noise(seed):
    torch.manual_seed(seed)
    return [float(x) for x in torch.randn([1, 16, 4, 4]).flatten()]


def euler_bf16():
    # diffusers' step in a bf16 pipeline: sample upcast to fp32, a 0-dim fp32 dt times the bf16 velocity
    # (promotion keeps bf16, so dt is rounded to bf16 first), the sum in fp32, the result cast to bf16.
    g = torch.Generator().manual_seed(7)
    x = torch.randn([2, 3], generator=g).to(torch.bfloat16)
    v = (torch.randn([2, 3], generator=g) * 3).to(torch.bfloat16)
    sig = torch.tensor([0.9130434989929199, 0.3], dtype=torch.float32)
    nxt = torch.tensor([0.8719512224197388, 0.0], dtype=torch.float32)
    out = []
    for b in range(2):
        dt = nxt[b] - sig[b]
        out.append((x[b].to(torch.float32) + dt.to(v.dtype) * v[b]).to(v.dtype))
    prev = torch.stack(out)
    return {"x": [float(a) for a in x.float().flatten()], "v": [float(a) for a in v.float().flatten()],
            "sigma": [float(a) for a in sig], "sigma_next": [float(a) for a in nxt],
            "expected": [float(a) for a in prev.float().flatten()]}


def guidance_bf16(values):
    return {"g": values,
            "expected": [float(torch.tensor(data=(g,), dtype=torch.bfloat16) * 1000.0) for g in values]}


fixture = {
    "schedules": [
        schedule(28, shift=3.0),
        schedule(50, shift=3.0),
        schedule(4, shift=1.0),
        schedule(10, mu=0.8, shift_type="exponential"),
        schedule(10, mu=1.15, shift_type="linear"),
        schedule(12, shift=3.0, terminal=0.05),
    ],
    "noise": {"shape": [1, 16, 4, 4], "seed_0": noise(0), "seed_42": noise(42)},
    "euler_bf16": euler_bf16(),
    "txt_align_guidance_bf16": guidance_bf16([5.0, 4.5, 7.5, 3.3]),
}

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sampling_fixture.json")
with open(path, "w") as f:
    json.dump(fixture, f, indent=1)
    f.write("\n")
print("wrote", path)
