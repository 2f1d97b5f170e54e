"""Informal ties generated inside divisions, and the share of them moved across divisions.

By default a Watts & Strogatz (1998) ring lattice per division in index (hierarchy) order
(:func:`ring_lattice`), rewired inside the division with probability ``rewiring``
(:func:`rewire`); with ``org.informal_network = "random"``, Erdos-Renyi pairs per division
(:func:`random_pairs`, Watts 2002). Then :func:`cross_divisions` moves a share of them to reach
another division. Duplicates are left for :func:`sim.org.ties.merge_pairs` to merge.
"""

from __future__ import annotations

import numpy as np

from sim.org.ties import segment_arange

__all__ = ["cross_divisions", "random_pairs", "rewire", "ring_lattice"]


def ring_lattice(local: np.ndarray, start: np.ndarray, size: np.ndarray,
                 degree: int) -> tuple[np.ndarray, np.ndarray]:
    """Watts-Strogatz ring lattice per division, in index order.

    Each employee is linked to the next ``k/2`` colleagues around their division's ring, with
    ``k = degree``; a degree of at least the division size minus one links everyone in the
    division to everyone else (a complete graph; the pairs found from both ends are merged
    later by :func:`sim.org.ties.merge_pairs`).

    Returns:
        ``(u, v)`` with ``u`` the employee and ``v`` the neighbour ahead on the ring.
    """
    half = np.where(degree >= size - 1, size // 2, np.minimum(degree, (size - 1) // 2 * 2) // 2)
    u = np.repeat(np.arange(local.size), half)
    step = 1 + segment_arange(half)
    v = start[u] + (local[u] + step) % size[u]
    return u, v


def random_pairs(sizes: np.ndarray, starts: np.ndarray, degree: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Erdos-Renyi ties per division: ``round(size * degree / 2)`` uniformly random pairs.

    Both ends are uniform over the division (never the same person), so degrees are close to
    Poisson with mean ``degree`` (Watts 2002); a pair drawn twice is merged later by
    :func:`sim.org.ties.merge_pairs`, which lowers the mean degree by a fraction of about
    ``degree / (2 size)`` (0.2 % at degree 4 in a division of 1,000).

    Returns:
        ``(u, v)`` employee indices.
    """
    count = np.where(sizes > 1, np.rint(sizes * degree / 2), 0).astype(np.int64)
    home = np.repeat(np.arange(sizes.size), count)
    u = rng.integers(0, sizes[home])
    v = rng.integers(0, sizes[home] - 1)
    v = v + (v >= u)
    return starts[home] + u, starts[home] + v


def rewire(u: np.ndarray, v: np.ndarray, local: np.ndarray, start: np.ndarray,
           size: np.ndarray, p: float, rng: np.random.Generator
           ) -> tuple[np.ndarray, np.ndarray]:
    """Rewire each edge with probability ``p``: keep ``u``, redraw ``v`` inside the division.

    The new end is uniform over the division's other members, so no self-loops arise;
    duplicate edges are removed later by :func:`sim.org.ties.merge_pairs`.
    """
    hit = np.flatnonzero(rng.random(u.size) < p)
    if hit.size == 0:
        return u, v
    keep = u[hit]
    draw = rng.integers(0, size[keep] - 1)
    draw = draw + (draw >= local[keep])
    v = v.copy()
    v[hit] = start[keep] + draw
    return u, v


def cross_divisions(u: np.ndarray, v: np.ndarray, division: np.ndarray, sizes: np.ndarray,
                    starts: np.ndarray, share: float, rng: np.random.Generator
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Move exactly ``round(share * E)`` random edges to reach another division.

    Each chosen edge keeps a random one of its ends; the other end is redrawn uniformly from
    the employees of all other divisions. Nothing happens with a single division.
    """
    n_move = int(round(share * u.size))
    if sizes.size < 2 or n_move == 0:
        return u, v
    chosen = rng.choice(u.size, size=n_move, replace=False)
    keep = np.where(rng.random(n_move) < 0.5, u[chosen], v[chosen])
    home = division[keep]
    draw = rng.integers(0, division.size - sizes[home])
    other = draw + (draw >= starts[home]) * sizes[home]
    u, v = u.copy(), v.copy()
    u[chosen], v[chosen] = keep, other
    return u, v
