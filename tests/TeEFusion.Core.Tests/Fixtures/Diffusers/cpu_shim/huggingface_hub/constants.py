import os

# Offline: nothing is fetched, and the cache directory is only ever joined into paths, never used.
HF_HOME = os.path.join(os.path.expanduser("~"), ".cache", "huggingface")
HF_HUB_OFFLINE = True
HF_HUB_DISABLE_TELEMETRY = True
