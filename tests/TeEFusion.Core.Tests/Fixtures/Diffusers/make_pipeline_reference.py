"""Images from the REAL diffusers StableDiffusion3Pipeline (Euler + CFG) built from a model folder's components.

    python3 make_pipeline_reference.py MODEL_FOLDER OUT.safetensors

Each case is a prompt, a seed (torch.Generator().manual_seed, as the project's per-seed noise), steps and guidance at
the folder's native size, with the empty negative prompt. The folder has no T5, and diffusers 0.36 changed what takes
its place: zeros of max_sequence_length rows (256 by default; PR #12531) instead of tokenizer_max_length rows (the
CLIP length; diffusers up to 0.35, which this project follows). The script passes
max_sequence_length = tokenizer_max_length, which gives the earlier layout on either version. The file holds each image as uint8 (H, W, 3), named
image_<i>; its metadata holds the cases as JSON and the library versions. Everything runs on the CPU in float32.
"""
import json
import sys

import diffusers
import torch
import transformers
from diffusers import AutoencoderKL, FlowMatchEulerDiscreteScheduler, SD3Transformer2DModel, StableDiffusion3Pipeline
from safetensors.torch import save_file
from transformers import CLIPTextModelWithProjection, CLIPTokenizer

folder, out = sys.argv[1], sys.argv[2]
CASES = [
    {"prompt": "a large red circle in the center on a white background", "seed": 7, "steps": 28, "guidance": 2.0},
    {"prompt": "a small blue triangle at the bottom right on a yellow background", "seed": 11, "steps": 10, "guidance": 5.0},
]

pipe = StableDiffusion3Pipeline(
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
size = pipe.transformer.config.sample_size * pipe.vae_scale_factor
images = {}
for i, case in enumerate(CASES):
    image = pipe(case["prompt"], negative_prompt="", num_inference_steps=case["steps"], guidance_scale=case["guidance"],
                 height=size, width=size, generator=torch.Generator().manual_seed(case["seed"]),
                 max_sequence_length=pipe.tokenizer_max_length, output_type="np").images[0]
    images[f"image_{i}"] = torch.from_numpy((image * 255).round().astype("uint8")).contiguous()
    print(i, case, tuple(images[f"image_{i}"].shape))

save_file(images, out, metadata={
    "cases": json.dumps(CASES), "torch": torch.__version__, "transformers": transformers.__version__,
    "diffusers": diffusers.__version__, "folder": folder,
})
