"""Edits from diffusers' OWN StableDiffusion3Img2ImgPipeline and StableDiffusion3InpaintPipeline (v0.33.1 source),
run with Debian's torch 1.13 on a CPU (no transformers, huggingface_hub or safetensors: see cpu_shim/).

    PYTHONPATH=cpu_shim:DIFFUSERS/src /usr/bin/python3 make_edit_reference_cpu.py MODEL_FOLDER PROMPTS OUT.safetensors

MODEL_FOLDER is `teefusion make-random-model --preset tiny-sd3 --seed 0`. PROMPTS is tiny_random_reference.safetensors:
its prompt_embeds / pooled_prompt_embeds are what the real transformers encoders (with T5) gave for the prompt and for
"" on the same text encoders, and are passed to the pipelines as prompt_embeds / negative_prompt_embeds, so no text
encoder runs here. The transformer, VAE and scheduler are built from the folder's configs by diffusers and loaded
with load_state_dict(strict=True) from the folder's safetensors, parsed below.

Each case calls the pipeline with `generator=torch.Generator().manual_seed(seed)`; diffusers' two draws from it (the
VAE posterior sample, then the noise) are recorded as they happen and stored (`eps_<i>`, `noise_<i>`), with the
latents after the last step (`latents_<i>`, from callback_on_step_end), the pipeline's image (`pipeline_image_<i>`,
uint8 (H, W, 3)) and `image_<i>`, those latents decoded as every SD3 pipeline but the inpainting one decodes (below).
`input` (H, W, 3) uint8 is the picture; `mask` (H, W) uint8 is diffusers' kind, 255 = repaint the right half.

The tiny folder's latents have 4 channels. diffusers' inpainting accepts only 16-channel (or 33-channel) SD3
transformers and applies its per-step blend only for 16, so the inpainting pipeline's copy of the transformer config
is told in_channels = 16 (the transformer's forward never reads it). Everything runs in float32.
"""
import copy
import json
import struct
import sys

import torch_polyfills  # noqa: F401  (before diffusers)

import diffusers
import numpy as np
import PIL.Image
import torch
from diffusers.models.autoencoders import vae as vae_module
from diffusers.models.autoencoders.autoencoder_kl import AutoencoderKL
from diffusers.models.transformers.transformer_sd3 import SD3Transformer2DModel
from diffusers.pipelines.stable_diffusion_3 import pipeline_stable_diffusion_3_img2img as img2img_module
from diffusers.pipelines.stable_diffusion_3 import pipeline_stable_diffusion_3_inpaint as inpaint_module
from diffusers.schedulers.scheduling_flow_match_euler_discrete import FlowMatchEulerDiscreteScheduler

folder, prompts_file, out = sys.argv[1], sys.argv[2], sys.argv[3]
GUIDANCE = 4.5
CASES = [
    {"pipeline": "img2img", "seed": 7, "steps": 10, "strength": 0.6},
    {"pipeline": "img2img", "seed": 11, "steps": 8, "strength": 1.0},
    {"pipeline": "inpaint", "seed": 3, "steps": 10, "strength": 0.7},
    {"pipeline": "inpaint", "seed": 5, "steps": 6, "strength": 1.0},
]
PROMPT = "a small red circle at the top left on a blue background"  # row 0 of PROMPTS; row 1 is ""

DTYPES = {"F32": (np.float32, torch.float32), "F16": (np.float16, torch.float16), "I64": (np.int64, torch.int64)}


def read_safetensors(path):
    """safetensors: an 8-byte little-endian header length, a JSON header, then raw little-endian tensor bytes."""
    with open(path, "rb") as f:
        length = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(length))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        np_dtype, _ = DTYPES[entry["dtype"]]
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=np.dtype(np_dtype).newbyteorder("<")).reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.astype(np_dtype))
    return tensors


def write_safetensors(path, tensors, metadata):
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name, tensor in tensors.items():
        array = tensor.contiguous().numpy()
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.uint8): "U8"}[array.dtype]
        blob = array.astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))


def load(cls, component, config_name="config.json", weights=True):
    with open(f"{folder}/{component}/{config_name}") as f:
        model = cls.from_config(json.load(f))
    if weights:
        model.load_state_dict(read_safetensors(f"{folder}/{component}/diffusion_pytorch_model.safetensors"), strict=True)
        model.eval()
    return model


# diffusers draws with randn_tensor in vae.py (posterior sample) and in the pipelines (noise); record each draw.
draws = []
real_randn_tensor = vae_module.randn_tensor


def recording_randn_tensor(*args, **kwargs):
    draws.append(real_randn_tensor(*args, **kwargs))
    return draws[-1]


for module in (vae_module, img2img_module, inpaint_module):
    module.randn_tensor = recording_randn_tensor

transformer = load(SD3Transformer2DModel, "transformer")
vae = load(AutoencoderKL, "vae")
prompts = read_safetensors(prompts_file)
embeds, pooled = prompts["prompt_embeds"], prompts["pooled_prompt_embeds"]  # (2, T, joint), (2, P): prompt, ""


def pipeline(kind):
    components = dict(transformer=transformer, vae=vae, text_encoder=None, tokenizer=None, text_encoder_2=None,
                      tokenizer_2=None, text_encoder_3=None, tokenizer_3=None,
                      scheduler=load(FlowMatchEulerDiscreteScheduler, "scheduler", "scheduler_config.json", weights=False))
    if kind == "img2img":
        return img2img_module.StableDiffusion3Img2ImgPipeline(**components)
    # The same weights under a config that says 16 input channels (see the module docstring).
    components["transformer"] = copy.deepcopy(transformer)
    components["transformer"].register_to_config(in_channels=16)
    return inpaint_module.StableDiffusion3InpaintPipeline(**components)


size = transformer.config.sample_size * 2 ** (len(vae.config.block_out_channels) - 1)
picture = np.random.default_rng(0).integers(0, 256, (size, size, 3), dtype=np.uint8)
mask = np.zeros((size, size), dtype=np.uint8)
mask[:, size // 2:] = 255
tensors = {"input": torch.from_numpy(picture), "mask": torch.from_numpy(mask)}
with torch.no_grad():
    for i, case in enumerate(CASES):
        final = {}

        def keep_last(pipe, step, timestep, kwargs):
            final["latents"] = kwargs["latents"]
            return {}

        draws.clear()
        kwargs = dict(prompt_embeds=embeds[:1], pooled_prompt_embeds=pooled[:1], negative_prompt_embeds=embeds[1:],
                      negative_pooled_prompt_embeds=pooled[1:], image=PIL.Image.fromarray(picture),
                      strength=case["strength"], num_inference_steps=case["steps"], guidance_scale=GUIDANCE,
                      height=size, width=size, generator=torch.Generator().manual_seed(case["seed"]), output_type="np",
                      callback_on_step_end=keep_last)
        if case["pipeline"] == "inpaint":
            kwargs["mask_image"] = PIL.Image.fromarray(mask)
        pipe = pipeline(case["pipeline"])
        returned = pipe(**kwargs).images[0]
        # The posterior sample's draw, then the noise; inpainting then draws a third time, for the masked image's
        # latents, which only 33-channel transformers read.
        eps, noise = draws[:2]
        tensors[f"eps_{i}"], tensors[f"noise_{i}"] = eps, noise
        tensors[f"latents_{i}"] = final["latents"]
        # diffusers v0.33.1's inpainting decodes latents / scaling_factor, without + shift_factor (huggingface/diffusers
        # #13611, issue 1); every other SD3 pipeline, and this project, decode (latents / scaling_factor) + shift_factor.
        # image_<i> is that decode of the final latents; pipeline_image_<i> is what the pipeline returned.
        latents = final["latents"] / vae.config.scaling_factor + vae.config.shift_factor
        image = pipe.image_processor.postprocess(vae.decode(latents, return_dict=False)[0], output_type="np")[0]
        if case["pipeline"] == "img2img":
            assert np.array_equal(image, returned), "img2img's own decode is the shifted one"
        tensors[f"image_{i}"] = torch.from_numpy((image * 255).round().astype("uint8"))
        tensors[f"pipeline_image_{i}"] = torch.from_numpy((returned * 255).round().astype("uint8"))
        print(i, case, tuple(final["latents"].shape), float(final["latents"].abs().max()))

write_safetensors(out, tensors, {
    "cases": json.dumps(CASES), "prompt": PROMPT, "negative_prompt": "", "guidance": str(GUIDANCE),
    "torch": torch.__version__, "diffusers": diffusers.__version__, "folder": folder,
})
