import re

from _unavailable import module_getattr

REGEX_COMMIT_HASH = re.compile(r"^[0-9a-f]{40}$")
__getattr__ = module_getattr("huggingface_hub.file_download")
