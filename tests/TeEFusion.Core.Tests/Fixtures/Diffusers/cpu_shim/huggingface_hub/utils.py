from _unavailable import module_getattr


def validate_hf_hub_args(function):
    """Used as a decorator at import time; argument checks for hub calls, which never happen here."""
    return function


def is_jinja_available():
    return False


__getattr__ = module_getattr("huggingface_hub.utils")
