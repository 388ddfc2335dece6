from _unavailable import module_getattr

# File names diffusers' loader compares against when it reads a transformers folder (never, here).
WEIGHTS_NAME = "pytorch_model.bin"
SAFE_WEIGHTS_NAME = "model.safetensors"
FLAX_WEIGHTS_NAME = "flax_model.msgpack"
__getattr__ = module_getattr("transformers.utils")
