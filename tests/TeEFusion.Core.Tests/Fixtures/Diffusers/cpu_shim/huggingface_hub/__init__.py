from _unavailable import module_getattr

__version__ = "0.0.0+cpu-shim"
__getattr__ = module_getattr("huggingface_hub")
