"""A silent progress bar: diffusers' pipelines wrap their denoising loop in tqdm, which Debian's python lacks."""


class tqdm:
    def __init__(self, iterable=None, *args, **kwargs):
        self.iterable = iterable

    def __iter__(self):
        return iter(self.iterable)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n=1):
        pass

    def close(self):
        pass

    def set_lock(self, lock):
        pass

    def get_lock(self):
        return None
