"""The part of packaging.version diffusers uses: parse() and ordered Version objects. Only the release numbers take
part in comparisons (Debian's torch calls itself 1.13.0a0+gitunknown, which is 1.13.0 here)."""
import re


class Version:
    def __init__(self, text):
        self.public = str(text)
        match = re.match(r"\s*v?(\d+(?:\.\d+)*)", self.public)
        if match is None:
            raise ValueError(f"Invalid version: {text!r}")
        numbers = [int(part) for part in match.group(1).split(".")]
        self.release = tuple(numbers)
        self.major, self.minor, self.micro = (numbers + [0, 0, 0])[:3]
        self.base_version = ".".join(map(str, numbers))
        self._key = tuple(numbers + [0] * (4 - len(numbers)))

    def __repr__(self):
        return f"<Version({self.public!r})>"

    def __str__(self):
        return self.public

    def __hash__(self):
        return hash(self._key)

    def __eq__(self, other):
        return self._key == _version(other)._key

    def __lt__(self, other):
        return self._key < _version(other)._key

    def __le__(self, other):
        return self._key <= _version(other)._key

    def __gt__(self, other):
        return self._key > _version(other)._key

    def __ge__(self, other):
        return self._key >= _version(other)._key


def _version(value):
    return value if isinstance(value, Version) else Version(value)


def parse(text):
    return Version(text)
