"""Trust on the ties: one Beta-distributed weight per pair, formal ties with a bonus.

:func:`draw_trust` draws the weights; :func:`given_trust` puts the weights a client's
collaboration file gives in place of the drawn ones.
"""

from __future__ import annotations

import numpy as np

from sim.org.organisation import OrgParams
from sim.org.ties import TIE_INFORMAL

__all__ = ["MIN_TRUST", "draw_trust", "given_trust"]

MIN_TRUST = 1e-6
"""Smallest tie weight, so that every stored tie has a weight > 0."""


def draw_trust(code: np.ndarray, org: OrgParams, rng: np.random.Generator) -> np.ndarray:
    """One Beta-distributed trust weight per pair, plus the bonus on formal ties.

    Args:
        code: Tie type code of each pair.
        org: The ``org`` parameters (``trust_mean``, ``trust_concentration``,
            ``formal_trust_bonus``).
        rng: The random stream; nothing is drawn when ``trust_mean`` is 1.

    Returns:
        ``(len(code),)`` float64 weights in ``[MIN_TRUST, 1]``.
    """
    mean, conc = float(org.trust_mean), float(org.trust_concentration)
    if mean >= 1.0:
        return np.ones(code.size)
    weight = rng.beta(mean * conc, (1.0 - mean) * conc, size=code.size)
    weight = np.where(code < TIE_INFORMAL, weight + float(org.formal_trust_bonus), weight)
    return np.clip(weight, MIN_TRUST, 1.0)


def given_trust(trust: np.ndarray, lo: np.ndarray, hi: np.ndarray, n: int, u: np.ndarray,
                v: np.ndarray, given: np.ndarray) -> np.ndarray:
    """Replace the drawn trust of the merged pairs ``(lo, hi)`` by the trust given for them.

    A pair given several times keeps its largest value.

    Args:
        trust: Drawn trust of each merged pair.
        lo: First end of each merged pair (sorted by ``(lo, hi)``).
        hi: Second end of each merged pair.
        n: Number of employees.
        u: First end of each given pair.
        v: Second end of each given pair.
        given: Trust given for each given pair.

    Returns:
        A copy of ``trust`` with the given values in place (``trust`` itself if none is given).
    """
    if u.size == 0:  # a ties file with a weight column and no rows
        return trust
    key = np.minimum(u, v).astype(np.int64) * n + np.maximum(u, v)
    order = np.lexsort((given, key))
    key, given = key[order], given[order]
    last = np.ones(key.size, dtype=bool)
    last[:-1] = key[1:] != key[:-1]
    key, given = key[last], given[last]  # the largest value of each pair
    merged = lo * n + hi
    where = np.searchsorted(key, merged)
    found = (where < key.size) & (key[np.minimum(where, key.size - 1)] == merged)
    trust = trust.copy()
    trust[found] = given[where[found]]
    return trust
