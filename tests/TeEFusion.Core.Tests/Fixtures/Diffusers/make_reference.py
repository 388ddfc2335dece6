"""Reference outputs of the REAL diffusers / transformers classes on a model folder (plain SD3 use: no TeEFusion term).

Run where torch, transformers and diffusers import (this project's machines have none of them; it was run once on a
lent GPU machine with PyTorch 2.11, transformers from its image and diffusers' source at a recorded commit):

    python3 make_reference.py MODEL_FOLDER OUT.safetensors

Everything runs on the CPU in float32. The file holds the inputs it used (token ids, latents, timesteps, VAE-space
latents, an image) and what each component returned, named as BundledReferenceTests reads them; its metadata records
the library versions.
"""
import os
import sys

import torch
import diffusers
import transformers
from diffusers import AutoencoderKL, SD3Transformer2DModel
from safetensors.torch import save_file
from transformers import AutoTokenizer, CLIPTextModelWithProjection, CLIPTokenizer, T5EncoderModel

folder, out = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
prompts = ["a small red circle at the top left on a blue background", ""]

result = {}
clip_states, pooled = [], []
for suffix in ["", "_2"]:
    tokenizer = CLIPTokenizer.from_pretrained(f"{folder}/tokenizer{suffix}")
    encoder = CLIPTextModelWithProjection.from_pretrained(f"{folder}/text_encoder{suffix}").eval()
    ids = tokenizer(prompts, padding="max_length", max_length=tokenizer.model_max_length, truncation=True,
                    return_tensors="pt").input_ids
    with torch.no_grad():
        output = encoder(ids, output_hidden_states=True)
    result[f"input_ids{suffix}"] = ids.to(torch.int64)
    result[f"text_embeds{suffix}"] = output[0]
    result[f"penultimate{suffix}"] = output.hidden_states[-2]
    clip_states.append(output.hidden_states[-2])
    pooled.append(output[0])

transformer = SD3Transformer2DModel.from_pretrained(f"{folder}/transformer").eval()
joint = transformer.config.joint_attention_dim
# StableDiffusion3Pipeline.encode_prompt without T5: zeros of (B, tokenizer_max_length, joint) follow the padded CLIP states.
clip = torch.cat(clip_states, dim=-1)
clip = torch.nn.functional.pad(clip, (0, joint - clip.shape[-1]))
if os.path.isdir(f"{folder}/text_encoder_3"):
    # With T5: its states for max_sequence_length = 256 tokens (the pipeline's default) follow the CLIP states.
    tokenizer = AutoTokenizer.from_pretrained(f"{folder}/tokenizer_3")
    ids = tokenizer(prompts, padding="max_length", max_length=256, truncation=True, add_special_tokens=True,
                    return_tensors="pt").input_ids
    with torch.no_grad():
        t5 = T5EncoderModel.from_pretrained(f"{folder}/text_encoder_3").eval()(ids)[0]
    result["input_ids_3"] = ids.to(torch.int64)
    result["t5_states"] = t5
else:
    t5 = torch.zeros(clip.shape[0], clip.shape[1], joint)
prompt_embeds = torch.cat([clip, t5], dim=-2)
pooled_embeds = torch.cat(pooled, dim=-1)
result["prompt_embeds"] = prompt_embeds
result["pooled_prompt_embeds"] = pooled_embeds

size = transformer.config.sample_size
latents = torch.randn(2, transformer.config.in_channels, size, size)
timestep = torch.tensor([750.0, 125.0])
with torch.no_grad():
    velocity = transformer(hidden_states=latents, timestep=timestep, encoder_hidden_states=prompt_embeds,
                           pooled_projections=pooled_embeds, return_dict=False)[0]
result["latents"] = latents
result["timestep"] = timestep
result["transformer_out"] = velocity

vae = AutoencoderKL.from_pretrained(f"{folder}/vae").eval()
factor = 2 ** (len(vae.config.block_out_channels) - 1)
z = torch.randn(2, vae.config.latent_channels, size, size)
image = torch.rand(2, vae.config.in_channels, size * factor, size * factor) * 2 - 1
with torch.no_grad():
    decoded = vae.decode(z).sample
    posterior = vae.encode(image).latent_dist
result["vae_z"] = z
result["vae_decoded"] = decoded
result["vae_image"] = image
result["vae_mean"] = posterior.mean
result["vae_logvar"] = posterior.logvar

save_file({k: v.contiguous() for k, v in result.items()}, out, metadata={
    "torch": torch.__version__, "transformers": transformers.__version__, "diffusers": diffusers.__version__,
    "folder": folder,
})
for k, v in result.items():
    print(k, tuple(v.shape), v.dtype)
