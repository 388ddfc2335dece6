"""Edited images from the REAL diffusers StableDiffusion3Img2ImgPipeline and StableDiffusion3InpaintPipeline.

    python3 make_edit_reference.py MODEL_FOLDER OUT.safetensors

Built from a model folder's components like make_pipeline_reference.py (no T5; max_sequence_length =
tokenizer_max_length for the pre-0.36 layout). The input image is a seeded random uint8 picture at the folder's native
size, stored in the output as `input` (H, W, 3); the mask is diffusers' kind (1 = repaint: the right half), stored as
`mask` (H, W) uint8 0/255 — the service's OpenAI-style mask is its alpha-inverse (alpha 0 where mask is 255). Each case
passes height/width = the image's size (diffusers otherwise defaults to sample_size · vae_scale_factor) and
`generator=torch.Generator().manual_seed(seed)`, which draws the VAE posterior sample first and the noise second, the
convention `EditLatents` follows. Images are uint8 (H, W, 3) named image_<i>; the metadata holds the cases as JSON and
the library versions. Everything runs on the CPU in float32.
"""
import json
import sys

import diffusers
import numpy as np
import PIL.Image
import torch
import transformers
from diffusers import (AutoencoderKL, FlowMatchEulerDiscreteScheduler, SD3Transformer2DModel,
                       StableDiffusion3Img2ImgPipeline, StableDiffusion3InpaintPipeline)
from safetensors.torch import save_file
from transformers import CLIPTextModelWithProjection, CLIPTokenizer

folder, out = sys.argv[1], sys.argv[2]
CASES = [
    {"pipeline": "img2img", "prompt": "a large red circle in the center on a white background", "seed": 7, "steps": 10,
     "guidance": 2.0, "strength": 0.6},
    {"pipeline": "img2img", "prompt": "a small blue triangle", "seed": 11, "steps": 8, "guidance": 5.0, "strength": 1.0},
    {"pipeline": "inpaint", "prompt": "a green square", "seed": 3, "steps": 10, "guidance": 4.0, "strength": 0.7},
    {"pipeline": "inpaint", "prompt": "a green square", "seed": 5, "steps": 6, "guidance": 4.0, "strength": 1.0},
]

components = dict(
    transformer=SD3Transformer2DModel.from_pretrained(f"{folder}/transformer"),
    scheduler=FlowMatchEulerDiscreteScheduler.from_pretrained(f"{folder}/scheduler"),
    vae=AutoencoderKL.from_pretrained(f"{folder}/vae"),
    text_encoder=CLIPTextModelWithProjection.from_pretrained(f"{folder}/text_encoder"),
    tokenizer=CLIPTokenizer.from_pretrained(f"{folder}/tokenizer"),
    text_encoder_2=CLIPTextModelWithProjection.from_pretrained(f"{folder}/text_encoder_2"),
    tokenizer_2=CLIPTokenizer.from_pretrained(f"{folder}/tokenizer_2"),
    text_encoder_3=None,
    tokenizer_3=None,
)
pipes = {"img2img": StableDiffusion3Img2ImgPipeline(**components), "inpaint": StableDiffusion3InpaintPipeline(**components)}
size = pipes["img2img"].transformer.config.sample_size * pipes["img2img"].vae_scale_factor
picture = np.random.default_rng(0).integers(0, 256, (size, size, 3), dtype=np.uint8)
mask = np.zeros((size, size), dtype=np.uint8)
mask[:, size // 2:] = 255
tensors = {"input": torch.from_numpy(picture), "mask": torch.from_numpy(mask)}
for i, case in enumerate(CASES):
    kwargs = dict(prompt=case["prompt"], negative_prompt="", image=PIL.Image.fromarray(picture), strength=case["strength"],
                  num_inference_steps=case["steps"], guidance_scale=case["guidance"], height=size, width=size,
                  generator=torch.Generator().manual_seed(case["seed"]),
                  max_sequence_length=pipes["img2img"].tokenizer_max_length, output_type="np")
    if case["pipeline"] == "inpaint":
        kwargs["mask_image"] = PIL.Image.fromarray(mask)
    image = pipes[case["pipeline"]](**kwargs).images[0]
    tensors[f"image_{i}"] = torch.from_numpy((image * 255).round().astype("uint8")).contiguous()
    print(i, case, tuple(tensors[f"image_{i}"].shape))

save_file(tensors, out, metadata={
    "cases": json.dumps(CASES), "torch": torch.__version__, "transformers": transformers.__version__,
    "diffusers": diffusers.__version__, "folder": folder,
})
