"""Roles and groups that grow out of the ties: boundary spanners and unofficial groups.

:func:`pick_spanners` gives the boundary-spanner role to the people who reach the most other
divisions; :func:`unofficial_groups` grows each unofficial group by breadth-first search over
the informal ties from a random member, topped up from the member's division where the search
runs dry.
"""

from __future__ import annotations

import numpy as np

from sim.org.organisation import OrgParams, bfs_group
from sim.org.ties import symmetric_csr

__all__ = ["pick_spanners", "top_up", "unofficial_groups"]


def pick_spanners(lo: np.ndarray, hi: np.ndarray, division: np.ndarray, n_div: int, count: int,
                  rng: np.random.Generator) -> np.ndarray:
    """Pick the ``count`` employees with the most structural bridging.

    Ranked by the number of other divisions reached, then the number of cross-division ties,
    then a random tie-break.

    Args:
        lo: First end of each tie (a pair, ``lo < hi``).
        hi: Second end of each tie.
        division: ``(n,)`` division of each employee.
        n_div: Number of divisions.
        count: People to pick.
        rng: Random stream (the tie-break; drawn only when ``count > 0``).

    Returns:
        ``(n,)`` bool, true for the spanners.
    """
    n = division.size
    out = np.zeros(n, dtype=bool)
    if count <= 0:
        return out
    cross = division[lo] != division[hi]
    a, b = lo[cross], hi[cross]
    ties = np.bincount(a, minlength=n) + np.bincount(b, minlength=n)
    reach = np.unique(np.concatenate([a * n_div + division[b], b * n_div + division[a]]))
    reached = np.bincount(reach // n_div, minlength=n)
    order = np.lexsort((rng.random(n), ties, reached))
    out[order[n - count:]] = True
    return out


def unofficial_groups(org: OrgParams, lo: np.ndarray, hi: np.ndarray, division: np.ndarray,
                      sizes: np.ndarray, starts: np.ndarray, rng: np.random.Generator
                      ) -> tuple[list[np.ndarray], np.ndarray]:
    """Grow the unofficial groups over the informal ties.

    Group sizes are uniform integers in ``[size_min, min(size_max, n)]`` (``size_min`` is
    lowered to ``n`` if it exceeds it); energies are uniform in ``[energy_min, energy_max]``.

    Args:
        org: The ``org`` parameters (``unofficial_*``).
        lo: First end of each informal pair.
        hi: Second end of each informal pair.
        division: ``(n,)`` division of each employee.
        sizes: Size of each division.
        starts: First index of each division.
        rng: Random stream.

    Returns:
        ``(groups, energy)``.
    """
    n, n_groups = division.size, int(org.unofficial_groups)
    high = min(int(org.unofficial_group_size_max), n)
    low = min(int(org.unofficial_group_size_min), high)
    target = rng.integers(low, high + 1, size=n_groups)
    seeds = rng.integers(0, n, size=n_groups)
    energy = rng.uniform(float(org.unofficial_energy_min), float(org.unofficial_energy_max),
                         size=n_groups)
    groups: list[np.ndarray] = []
    if n_groups == 0:
        return groups, energy
    indptr, indices, _ = symmetric_csr(n, lo, hi)
    for size, seed in zip(target.tolist(), seeds.tolist(), strict=True):
        members = bfs_group(seed, size, indptr, indices, rng)
        d = int(division[seed])
        members = top_up(members, size, np.arange(starts[d], starts[d] + sizes[d]), rng)
        members = top_up(members, size, np.arange(n), rng)
        groups.append(np.sort(members).astype(np.int32))
    return groups, energy


def top_up(members: np.ndarray, size: int, pool: np.ndarray,
           rng: np.random.Generator) -> np.ndarray:
    """Add random people from ``pool`` (not yet members) until the group has ``size`` people."""
    need = size - members.size
    if need <= 0:
        return members
    free = pool[~np.isin(pool, members)]
    extra = rng.choice(free, size=min(need, free.size), replace=False)
    return np.concatenate([members, extra])
