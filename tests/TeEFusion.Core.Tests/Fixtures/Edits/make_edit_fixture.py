#!/usr/bin/python3
"""Expected values for the edit (img2img / inpainting) algorithm, re-implemented independently with torch (no diffusers).

Each function below restates, in plain torch, the diffusers v0.33.1 code it names:
  get_timesteps          StableDiffusion3Img2ImgPipeline / InpaintPipeline.get_timesteps
  set_timesteps          FlowMatchEulerDiscreteScheduler.set_timesteps (static shift only)
  scale_noise            FlowMatchEulerDiscreteScheduler.scale_noise with set_begin_index(t_start), i.e. sigmas[begin_index]
                         before the first step and sigmas[step_index] (= t_start + i + 1) after step i
  posterior_sample       DiagonalGaussianDistribution(moments).sample(generator) (logvar clamped to [-30, 20])
  prepare                _encode_vae_image / prepare_latents: per image, one torch.Generator().manual_seed(seed) draws the
                         posterior sample, then the noise; z0 = (sample - shift_factor) * scaling_factor;
                         latents = noise (inpainting at strength 1) or scale_noise(z0, sigmas[t_start], noise)
  latent_mask            mask_processor (binarise at 0.5) then F.interpolate(mask, size=(H/8, W/8)) (mode nearest)
  blend                  the loop's init_latents_proper: z0 re-noised to sigmas[t_start + i + 1] (z0 itself after the last
                         step), latents = (1 - mask) * proper + mask * latents
  pixels                 VaeImageProcessor.preprocess: uint8 / 255 (float32), then 2x - 1
The sampler's output after each step is replaced by seeded random "step outputs", so the check is the algorithm around
the transformer, not the transformer. Run: /usr/bin/python3 make_edit_fixture.py (writes edit_fixture.json here).
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

SHIFT, TRAIN = 3.0, 1000
SHIFT_FACTOR, SCALING_FACTOR = 0.0609, 1.5305  # SD3's VAE config
L, H, W, FACTOR = 16, 16, 16, 8


def set_timesteps(n):
    s = torch.tensor([float(TRAIN), 1.0]) / TRAIN
    s = SHIFT * s / (1 + (SHIFT - 1) * s)
    ts = np.linspace(s[0].item() * TRAIN, s[1].item() * TRAIN, n)
    sig = ts / TRAIN
    sig = SHIFT * sig / (1 + (SHIFT - 1) * sig)
    sig32 = torch.from_numpy(sig).to(torch.float32)
    return torch.cat([sig32, torch.zeros(1)])


def get_timesteps(n, strength):
    init_timestep = min(n * strength, n)
    return int(max(n - init_timestep, 0))


def scale_noise(sigmas, index, sample, noise):
    sigma = sigmas.to(sample.dtype)[[index] * sample.shape[0]].flatten()
    while len(sigma.shape) < len(sample.shape):
        sigma = sigma.unsqueeze(-1)
    return sigma * noise + (1.0 - sigma) * sample


def posterior_sample(moments, generator):
    mean, logvar = torch.chunk(moments, 2, dim=1)
    std = torch.exp(0.5 * torch.clamp(logvar, -30.0, 20.0))
    return mean + std * torch.randn(mean.shape, generator=generator)


def prepare(moments, seeds, sigmas, t_start, strength, has_mask):
    z0, noise = [], []
    for seed in seeds:
        g = torch.Generator().manual_seed(seed)
        z0.append((posterior_sample(moments, g) - SHIFT_FACTOR) * SCALING_FACTOR)
        noise.append(torch.randn(z0[-1].shape, generator=g))
    z0, noise = torch.cat(z0), torch.cat(noise)
    latents = noise if (has_mask and strength == 1.0) else scale_noise(sigmas, t_start, z0, noise)
    return z0, noise, latents


def latent_mask(mask):
    mask = mask.clone()
    mask[mask < 0.5] = 0
    mask[mask >= 0.5] = 1
    return F.interpolate(mask, size=(H // FACTOR, W // FACTOR))


def flat(t):
    return [float(x) for x in t.flatten()]


def case(name, steps, strength, seeds, has_mask, seed):
    g = torch.Generator().manual_seed(seed)
    moments = torch.randn([1, 2 * L, H // FACTOR, W // FACTOR], generator=g)
    moments[0, L, 0, 0] = -40.0  # a log-variance below the clamp
    repaint = (torch.rand([1, 1, H, W], generator=g) < 0.4).to(torch.float32)
    sigmas = set_timesteps(steps)
    t_start = get_timesteps(steps, strength)
    z0, noise, latents = prepare(moments, seeds, sigmas, t_start, strength, has_mask)
    m = latent_mask(repaint) if has_mask else None
    runs = steps - t_start
    outputs, blended = [], []
    for i in range(runs):
        out = torch.randn(z0.shape, generator=g)
        outputs.append(flat(out))
        if m is not None:
            proper = z0 if i == runs - 1 else scale_noise(sigmas, t_start + i + 1, z0, noise)
            out = (1 - m) * proper + m * out
        blended.append(flat(out))
    return {"name": name, "steps": steps, "strength": strength, "seeds": seeds, "has_mask": has_mask,
            "moments": flat(moments), "repaint": flat(repaint), "sigmas": flat(sigmas), "t_start": t_start,
            "image_latents": flat(z0), "noise": flat(noise), "initial": flat(latents),
            "latent_mask": flat(m) if m is not None else None, "step_outputs": outputs, "blended": blended}


def pixels():
    g = torch.Generator().manual_seed(5)
    rgb = torch.randint(0, 256, [4, 4, 3], generator=g, dtype=torch.uint8)
    x = torch.from_numpy(rgb.numpy().astype(np.float32) / 255.0).permute(2, 0, 1).unsqueeze(0)
    return {"rgb": [int(v) for v in rgb.flatten()], "pixels": flat(2.0 * x - 1.0)}


fixture = {
    "shape": [L, H, W], "factor": FACTOR, "shift": SHIFT, "shift_factor": SHIFT_FACTOR, "scaling_factor": SCALING_FACTOR,
    "cases": [
        case("img2img N=8 strength 0.6", 8, 0.6, [3], False, 1),
        case("img2img N=8 strength 1.0", 8, 1.0, [4], False, 2),
        case("img2img N=8 strength 0.05 (one step)", 8, 0.05, [5], False, 3),
        case("inpaint N=10 strength 0.7, two images", 10, 0.7, [6, 7], True, 4),
        case("inpaint N=50 strength 0.56 (50 * 0.56 = 28.000000000000004: t_start 21, not 22)", 50, 0.56, [9], True, 6),
        case("inpaint N=6 strength 1.0 (pure noise)", 6, 1.0, [8], True, 5),
    ],
    "pixels": pixels(),
    "torch": torch.__version__,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "edit_fixture.json")
with open(path, "w") as f:
    json.dump(fixture, f)
print("wrote", path, [(c["name"], c["t_start"]) for c in fixture["cases"]])
