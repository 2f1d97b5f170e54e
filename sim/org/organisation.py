"""The organisation of a run: the frozen :class:`Organisation` and the views derived from it.

:class:`Organisation` is the bundle of numpy arrays and sparse matrices that the rest of the
model reads, whichever way it was built (the synthetic generator, :mod:`sim.org.generator`, or a
client's chart, :mod:`sim.org.chart`); :class:`OrgParams` names the ``org`` parameters both read.
Here too are the hierarchy's levels (:func:`hierarchy_depth`) and the breadth-first search over
the ties that grows clusters and unofficial groups (:func:`bfs_group`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import numpy as np
import scipy.sparse as sp

from sim.org.ties import TIE_INFORMAL, segment_arange

__all__ = ["OrgParams", "Organisation", "bfs_group", "frozen", "hierarchy_depth"]


class OrgParams(Protocol):
    """The ``org`` parameters read by :func:`build_organisation` (e.g. ``Params().org``)."""

    chart: str
    collaboration: str
    informal_network: str
    employees: int
    divisions: int
    span_of_control: int
    formal_ties: bool
    informal_degree: int
    rewiring: float
    cross_division_share: float
    trust_mean: float
    trust_concentration: float
    formal_trust_bonus: float
    boundary_spanner_share: float
    unofficial_groups: int
    unofficial_group_size_min: int
    unofficial_group_size_max: int
    unofficial_energy_min: float
    unofficial_energy_max: float


@dataclass(frozen=True, eq=False, repr=False)
class Organisation:
    """The structure of the organisation, fixed for a run.

    Employees are the indices ``0..n-1``. The node arrays and the groups are read-only.

    Attributes:
        division: ``(n,)`` int32, the division of each employee, ``0..D-1``, in contiguous
            index blocks.
        manager: ``(n,)`` int32, index of each employee's line manager, ``-1`` for division
            heads (people without a manager, in an imported chart).
        team: ``(n,)`` int32, team id: the index of the team's manager, i.e. the employee's
            line manager; a division head's team id is their own index (in a chart with a
            team column, the index of the team's first member).
        ties: ``(n, n)`` float64 CSR array, symmetric, no self-loops, sorted indices; the
            weight of a tie is the trust on it, in ``(0, 1]``.
        tie_type: ``(n, n)`` int8 CSR array with the same ``indptr`` and ``indices`` as
            ``ties``; :data:`~sim.org.ties.TIE_REPORTING`, :data:`~sim.org.ties.TIE_TEAM` or
            :data:`~sim.org.ties.TIE_INFORMAL` (the smallest code where a pair has several
            kinds of tie).
        is_spanner: ``(n,)`` bool, whether the employee has the boundary-spanner role.
        groups: Unofficial groups, each a sorted int32 array of member indices.
        group_energy: ``(len(groups),)`` float64, the starting energy of each group.
        informal: ``(n, n)`` bool CSR array with the same pattern as ``ties``, true where the
            pair has an informal tie, including pairs whose ``tie_type`` is formal because they
            are also colleagues. ``None`` means "only the pairs typed
            :data:`~sim.org.ties.TIE_INFORMAL`".
    """

    division: np.ndarray
    manager: np.ndarray
    team: np.ndarray
    ties: sp.csr_array
    tie_type: sp.csr_array
    is_spanner: np.ndarray
    groups: tuple[np.ndarray, ...]
    group_energy: np.ndarray
    informal: sp.csr_array | None = None

    def __repr__(self) -> str:
        return (f"Organisation(n={self.n}, divisions={self.n_divisions}, "
                f"ties={self.ties.nnz // 2}, groups={len(self.groups)})")

    @property
    def n(self) -> int:
        """Number of employees."""
        return int(self.division.shape[0])

    @property
    def n_divisions(self) -> int:
        """Number of divisions."""
        return int(self.division.max()) + 1 if self.n else 0

    @cached_property
    def is_manager(self) -> np.ndarray:
        """``(n,)`` bool, true for employees with at least one direct report."""
        counts = np.bincount(self.manager[self.manager >= 0], minlength=self.n)
        return frozen(counts > 0)

    @cached_property
    def depth(self) -> np.ndarray:
        """``(n,)`` int, level in the hierarchy: 0 without a manager, 1 for their reports..."""
        return frozen(hierarchy_depth(self.manager))

    @cached_property
    def degree(self) -> np.ndarray:
        """``(n,)`` int, the number of ties of each employee (of any type)."""
        return frozen(np.diff(self.ties.indptr).astype(np.int64))

    @cached_property
    def cross_division_ties(self) -> np.ndarray:
        """``(n,)`` int, the number of each employee's ties that reach another division."""
        rows = np.repeat(np.arange(self.n), np.diff(self.ties.indptr))
        cross = self.division[rows] != self.division[self.ties.indices]
        return frozen(np.bincount(rows[cross], minlength=self.n).astype(np.int64))

    def informal_mask(self) -> np.ndarray:
        """Return a bool mask over ``ties.data`` marking the entries that are informal ties."""
        if self.informal is not None:
            return np.asarray(self.informal.data, dtype=bool)
        return np.asarray(self.tie_type.data == TIE_INFORMAL)

    def informal_cross_share(self) -> float:
        """Return the realised share of informal ties (pairs) that cross divisions.

        Counts every pair with an informal tie (see :attr:`informal`); 0.0 if there are none.
        """
        mask = self.informal_mask()
        if not mask.any():
            return 0.0
        rows = np.repeat(np.arange(self.n), np.diff(self.ties.indptr))[mask]
        cols = self.ties.indices[mask]
        return float(np.mean(self.division[rows] != self.division[cols]))

    def cluster(self, seed: int, size: int, rng: np.random.Generator,
                within: np.ndarray | None = None) -> np.ndarray:
        """A cluster of colleagues around ``seed``: breadth first over all ties.

        Args:
            seed: Employee the cluster grows from (always included).
            size: Number of people wanted; fewer if the reachable set is smaller.
            rng: Random stream (order of neighbours).
            within: Optional ``(n,)`` mask of the people the cluster may include.

        Returns:
            Sorted int64 employee indices.
        """
        blocked = None if within is None else ~np.asarray(within, dtype=bool)
        members = bfs_group(int(seed), int(size), self.ties.indptr, self.ties.indices, rng,
                            blocked)
        return np.sort(members).astype(np.int64)


def hierarchy_depth(manager: np.ndarray) -> np.ndarray:
    """Level of each person below the top: 0 without a manager, 1 for their reports, ...

    Args:
        manager: ``(n,)`` index of each person's line manager, ``-1`` for none.

    Returns:
        ``(n,)`` int levels; ``-1`` for people whose chain of managers never reaches the top
        (a loop).
    """
    depth = np.where(manager < 0, 0, -1)
    level = 0
    while True:
        below = (depth < 0) & (manager >= 0) & (depth[np.maximum(manager, 0)] == level)
        if not below.any():
            return depth
        depth[below] = level + 1
        level += 1


def bfs_group(seed: int, size: int, indptr: np.ndarray, indices: np.ndarray,
              rng: np.random.Generator, blocked: np.ndarray | None = None) -> np.ndarray:
    """Breadth-first search from ``seed`` until ``size`` people are found or none are left.

    Works one BFS level at a time; each person's neighbours are visited in random order.
    People marked in ``blocked`` are never visited.

    Args:
        seed: Where the search starts (always a member).
        size: People wanted.
        indptr: CSR row pointers of a symmetric tie matrix.
        indices: Its CSR column indices.
        rng: Random stream (the order of each person's neighbours).
        blocked: Optional ``(n,)`` bool mask of people never visited.

    Returns:
        The members found, ``seed`` first, level by level.
    """
    visited = np.zeros(indptr.size - 1, dtype=bool) if blocked is None else blocked.copy()
    visited[seed] = True
    members, frontier, count = [np.array([seed])], np.array([seed]), 1
    while count < size and frontier.size:
        counts = indptr[frontier + 1] - indptr[frontier]
        owner = np.repeat(np.arange(frontier.size), counts)
        found = indices[np.repeat(indptr[frontier], counts) + segment_arange(counts)]
        # random order within each owner's block; the offset stays below 0.5 after rounding
        found = found[np.argsort(owner + 0.5 * rng.random(found.size))]
        found = found[~visited[found]]
        _, first = np.unique(found, return_index=True)
        frontier = found[np.sort(first)][: size - count]
        visited[frontier] = True
        members.append(frontier)
        count += frontier.size
    return np.concatenate(members)


def frozen(a: np.ndarray) -> np.ndarray:
    """Mark an array read-only and return it."""
    a.flags.writeable = False
    return a
