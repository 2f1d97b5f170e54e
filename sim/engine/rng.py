"""Named random streams derived from one root seed.

Every mechanism draws from its own stream, keyed by the run's root seed and the stream's name
(``numpy.random.SeedSequence`` with a spawn key taken from a hash of the name). A mechanism that
draws more or fewer numbers therefore never shifts the numbers another mechanism sees, and two
strategies run with the same seed share the random numbers of every mechanism they both use
(common random numbers). Nothing here, or anywhere in the package, touches a global RNG.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["Streams", "derive_seed", "stream"]


def _name_key(name: str) -> int:
    """A stable 64-bit integer for a stream name (independent of Python's hash seed)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "little")


def stream(seed: int, name: str) -> np.random.Generator:
    """Return the generator for one named stream of a run.

    Args:
        seed: The run's root seed.
        name: The stream's name, e.g. ``"participation"``.
    """
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=(_name_key(name),))
    return np.random.Generator(np.random.PCG64(sequence))


def derive_seed(root: int, *keys: int) -> int:
    """Derive a child seed from a root seed and integer keys (context, replication, ...).

    Args:
        root: Root seed of an experiment.
        *keys: Integer keys, e.g. the context index and the replication number.

    Returns:
        A 63-bit integer seed.
    """
    sequence = np.random.SeedSequence(entropy=root, spawn_key=tuple(int(k) for k in keys))
    return int(sequence.generate_state(2, np.uint32).view(np.uint64)[0] >> np.uint64(1))


class Streams:
    """The named random streams of one run, created on first use."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        if name not in self._streams:
            self._streams[name] = stream(self.seed, name)
        return self._streams[name]
