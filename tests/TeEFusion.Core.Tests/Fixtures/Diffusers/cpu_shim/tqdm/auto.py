from tqdm import tqdm  # noqa: F401
