"""Stand-ins for the libraries diffusers imports but this reference never calls (hub downloads, tokenizers, text
encoders, safetensors files). Any name a stub module is asked for is a class that raises when constructed or called;
it subclasses Exception so that diffusers' `except HTTPError:`-style clauses still import."""


def unavailable(qualname):
    class Unavailable(Exception):
        def __init__(self, *args, **kwargs):
            raise RuntimeError(f"{qualname} is a stub in cpu_shim: make_edit_reference_cpu.py must not reach it")

    Unavailable.__name__ = Unavailable.__qualname__ = qualname.rsplit(".", 1)[-1]
    return Unavailable


def module_getattr(module_name):
    """A PEP 562 module __getattr__ that hands out `unavailable` classes."""

    def getattr_(name):
        if name.startswith("__"):
            raise AttributeError(name)
        return unavailable(f"{module_name}.{name}")

    return getattr_
