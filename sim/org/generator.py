"""The organisation: divisions, hierarchy, teams, informal ties, trust and groups.

:func:`build_organisation` turns the ``org`` section of the parameters into an
:class:`Organisation`, a frozen bundle of numpy arrays and sparse matrices that the rest of the
model reads: from a client's organisation chart (:mod:`sim.org.chart`) when ``org.chart``
names one, else from the synthetic generator :func:`build_synthetic`, described here:

* **Divisions** are contiguous blocks of employee indices of (almost) equal size.
* **Hierarchy**: inside each division the employees form a complete ``span_of_control``-ary
  tree in index order; the first employee of the block is the division head.
* **Formal ties**: every reporting line (manager and direct report) is a tie of type
  :data:`TIE_REPORTING`; colleagues who share a manager are linked by :data:`TIE_TEAM` ties,
  but only while ``span_of_control <= TEAM_TIES_MAX_SPAN`` (wider teams would add
  ``span**2 / 2`` ties per team and make the graph dense, so team ties are then left out).
* **Informal ties** (``org.informal_network = "random"``: Erdos-Renyi pairs per division,
  Watts 2002) by default follow Watts & Strogatz (1998): a ring lattice per division in index
  (hierarchy) order, rewired inside the division with probability ``rewiring``; then a share
  ``cross_division_share`` of them is moved to reach another division.
* **Trust** is one Beta-distributed weight per pair; formal ties get a bonus.
* **Boundary spanners** are the people who reach the most other divisions.
* **Unofficial groups** grow by breadth-first search over the informal ties.

Everything random is drawn from the :class:`numpy.random.Generator` passed in, in a fixed order,
so the same parameters and seed always give the same organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import numpy as np
import scipy.sparse as sp

__all__ = [
    "TEAM_TIES_MAX_SPAN",
    "TIE_INFORMAL",
    "TIE_REPORTING",
    "TIE_TEAM",
    "OrgParams",
    "Organisation",
    "assemble",

    "build_synthetic",
    "hierarchy_depth",
]

TIE_REPORTING, TIE_TEAM, TIE_INFORMAL = 1, 2, 3
"""Tie type codes; a pair with several kinds of tie keeps the smallest code."""

TEAM_TIES_MAX_SPAN = 12
"""Widest span of control for which colleagues under one manager get team ties."""

MIN_TRUST = 1e-6
"""Smallest tie weight, so that every stored tie has a weight > 0."""


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
            ``ties``; :data:`TIE_REPORTING`, :data:`TIE_TEAM` or :data:`TIE_INFORMAL` (the
            smallest code where a pair has several kinds of tie).
        is_spanner: ``(n,)`` bool, whether the employee has the boundary-spanner role.
        groups: Unofficial groups, each a sorted int32 array of member indices.
        group_energy: ``(len(groups),)`` float64, the starting energy of each group.
        informal: ``(n, n)`` bool CSR array with the same pattern as ``ties``, true where the
            pair has an informal tie, including pairs whose ``tie_type`` is formal because they
            are also colleagues. ``None`` means "only the pairs typed :data:`TIE_INFORMAL`".
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
        return _frozen(counts > 0)

    @cached_property
    def depth(self) -> np.ndarray:
        """``(n,)`` int, level in the hierarchy: 0 without a manager, 1 for their reports..."""
        return _frozen(hierarchy_depth(self.manager))

    @cached_property
    def degree(self) -> np.ndarray:
        """``(n,)`` int, the number of ties of each employee (of any type)."""
        return _frozen(np.diff(self.ties.indptr).astype(np.int64))

    @cached_property
    def cross_division_ties(self) -> np.ndarray:
        """``(n,)`` int, the number of each employee's ties that reach another division."""
        rows = np.repeat(np.arange(self.n), np.diff(self.ties.indptr))
        cross = self.division[rows] != self.division[self.ties.indices]
        return _frozen(np.bincount(rows[cross], minlength=self.n).astype(np.int64))

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
        members = _bfs_group(int(seed), int(size), self.ties.indptr, self.ties.indices, rng,
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


def build_synthetic(org: OrgParams, rng: np.random.Generator) -> Organisation:
    """Build a synthetic organisation from the ``org`` parameters.

    Args:
        org: The ``org`` parameter section (``Params().org``) or any object with the same
            attributes.
        rng: The only source of randomness; the same seed gives the same organisation.

    Returns:
        The organisation.
    """
    n, n_div = int(org.employees), int(org.divisions)
    sizes, starts = _division_blocks(n, n_div)
    division = np.repeat(np.arange(n_div), sizes)
    local = np.arange(n) - starts[division]
    manager = _managers(local, starts[division], int(org.span_of_control))
    team = np.where(manager >= 0, manager, np.arange(n))
    formal = _formal_pairs(manager, local, sizes[division], int(org.span_of_control))
    return assemble(org, division, manager, team, formal, rng)


def assemble(org: OrgParams, division: np.ndarray, manager: np.ndarray, team: np.ndarray,
             formal: tuple[np.ndarray, np.ndarray, np.ndarray], rng: np.random.Generator, *,
             informal_pairs: tuple[np.ndarray, np.ndarray] | None = None,
             informal_trust: np.ndarray | None = None) -> Organisation:
    """Add informal ties, trust, boundary spanners and unofficial groups to a formal structure.

    Shared by the synthetic generator and the import of a client's organisation chart
    (:mod:`sim.org.chart`).

    Args:
        org: The ``org`` parameters.
        division: ``(n,)`` division of each employee; divisions are contiguous index blocks
            ``0..D-1`` in order.
        manager: ``(n,)`` line manager of each employee, ``-1`` for none.
        team: ``(n,)`` team id of each employee.
        formal: ``(u, v, code)`` reporting and team ties.
        rng: The only source of randomness.
        informal_pairs: ``(u, v)`` informal ties as given; ``None`` generates them as the
            synthetic organisation does (ring lattice per division in index order, rewiring,
            a share moved across divisions).
        informal_trust: Trust on each given informal pair, replacing the drawn trust;
            ``None`` keeps the drawn trust.
    """
    n = division.size
    sizes = np.bincount(division).astype(np.int64)
    n_div = sizes.size
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    local = np.arange(n) - starts[division]
    formal_u, formal_v, formal_code = formal
    if not org.formal_ties:  # informal ties only (validation networks)
        formal_u, formal_v, formal_code = formal_u[:0], formal_v[:0], formal_code[:0]
    if informal_pairs is None:
        if org.informal_network == "random":
            inf_u, inf_v = _random_pairs(sizes, starts, int(org.informal_degree), rng)
        else:
            inf_u, inf_v = _ring_lattice(local, starts[division], sizes[division],
                                         int(org.informal_degree))
            inf_u, inf_v = _rewire(inf_u, inf_v, local, starts[division], sizes[division],
                                   float(org.rewiring), rng)
        inf_u, inf_v = _cross_divisions(inf_u, inf_v, division, sizes, starts,
                                        float(org.cross_division_share), rng)
    else:
        inf_u, inf_v = informal_pairs
    lo, hi, code, informal = _merge_pairs(
        n,
        np.concatenate([formal_u, inf_u]),
        np.concatenate([formal_v, inf_v]),
        np.concatenate([formal_code, np.full(inf_u.size, TIE_INFORMAL, np.int8)]),
    )
    trust = _trust(code, org, rng)
    if informal_pairs is not None and informal_trust is not None:
        trust = _given_trust(trust, lo, hi, n, inf_u, inf_v, informal_trust)
    indptr, indices, (trust_e, code_e, informal_e) = _symmetric_csr(n, lo, hi,
                                                                    trust, code, informal)
    shape = (n, n)
    ties = sp.csr_array((trust_e, indices, indptr), shape=shape)
    tie_type = sp.csr_array((code_e, indices.copy(), indptr.copy()), shape=shape)
    informal_m = sp.csr_array((informal_e, indices.copy(), indptr.copy()), shape=shape)

    n_spanners = int(round(float(org.boundary_spanner_share) * n))
    is_spanner = _spanners(lo, hi, division, n_div, n_spanners, rng)
    groups, energy = _unofficial_groups(org, lo[informal], hi[informal], division, sizes,
                                        starts, rng)
    return Organisation(
        division=_frozen(division.astype(np.int32)),
        manager=_frozen(manager.astype(np.int32)),
        team=_frozen(team.astype(np.int32)),
        ties=ties,
        tie_type=tie_type,
        is_spanner=_frozen(is_spanner),
        groups=tuple(_frozen(g) for g in groups),
        group_energy=_frozen(energy),
        informal=informal_m,
    )


# --- structure ----------------------------------------------------------------------------------


def _division_blocks(n: int, n_div: int) -> tuple[np.ndarray, np.ndarray]:
    """Split ``n`` employees into ``n_div`` contiguous blocks whose sizes differ by at most 1.

    Returns:
        ``(sizes, starts)``, each ``(n_div,)`` int64.
    """
    sizes = np.full(n_div, n // n_div, dtype=np.int64)
    sizes[: n % n_div] += 1
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    return sizes, starts


def _managers(local: np.ndarray, start: np.ndarray, span: int) -> np.ndarray:
    """Line managers of a complete ``span``-ary tree per division, in index order.

    Args:
        local: Position of each employee inside their division.
        start: First index of each employee's division.
        span: Span of control.

    Returns:
        ``(n,)`` int64 manager index, ``-1`` for division heads.
    """
    return np.where(local > 0, start + (local - 1) // span, -1)


def _segment_arange(counts: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(c)`` for each ``c`` in ``counts``, without a Python loop."""
    counts = np.asarray(counts, dtype=np.int64)
    ends = np.cumsum(counts)
    return np.arange(ends[-1] if counts.size else 0) - np.repeat(ends - counts, counts)


def _formal_pairs(manager: np.ndarray, local: np.ndarray, size: np.ndarray,
                  span: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reporting ties and, for spans up to :data:`TEAM_TIES_MAX_SPAN`, team ties.

    Siblings (direct reports of one manager) occupy a contiguous index block, so each employee
    is paired with the later members of their block.

    Args:
        manager: Line manager of each employee (``-1`` for heads).
        local: Position of each employee inside their division.
        size: Size of each employee's division.
        span: Span of control.

    Returns:
        ``(u, v, code)`` with ``u < v``.
    """
    person = np.arange(manager.size)
    report = manager >= 0
    u, v = [manager[report]], [person[report]]
    code = [np.full(int(report.sum()), TIE_REPORTING, np.int8)]
    if span <= TEAM_TIES_MAX_SPAN:
        block_last = np.minimum(local - (local - 1) % span + span - 1, size - 1)
        later = np.where(report, block_last - local, 0)
        first = np.repeat(person, later)
        u.append(first)
        v.append(first + 1 + _segment_arange(later))
        code.append(np.full(first.size, TIE_TEAM, np.int8))
    return np.concatenate(u), np.concatenate(v), np.concatenate(code)


def _ring_lattice(local: np.ndarray, start: np.ndarray, size: np.ndarray,
                  degree: int) -> tuple[np.ndarray, np.ndarray]:
    """Watts-Strogatz ring lattice per division, in index order.

    Each employee is linked to the next ``k/2`` colleagues around their division's ring, with
    ``k = degree``; a degree of at least the division size minus one links everyone in the
    division to everyone else (a complete graph; the pairs found from both ends are merged
    later by :func:`_merge_pairs`).

    Returns:
        ``(u, v)`` with ``u`` the employee and ``v`` the neighbour ahead on the ring.
    """
    half = np.where(degree >= size - 1, size // 2, np.minimum(degree, (size - 1) // 2 * 2) // 2)
    u = np.repeat(np.arange(local.size), half)
    step = 1 + _segment_arange(half)
    v = start[u] + (local[u] + step) % size[u]
    return u, v


def _random_pairs(sizes: np.ndarray, starts: np.ndarray, degree: int,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Erdos-Renyi ties per division: ``round(size * degree / 2)`` uniformly random pairs.

    Both ends are uniform over the division (never the same person), so degrees are close to
    Poisson with mean ``degree`` (Watts 2002); a pair drawn twice is merged later by
    :func:`_merge_pairs`, which lowers the mean degree by a fraction of about
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


def _rewire(u: np.ndarray, v: np.ndarray, local: np.ndarray, start: np.ndarray,
            size: np.ndarray, p: float, rng: np.random.Generator
            ) -> tuple[np.ndarray, np.ndarray]:
    """Rewire each edge with probability ``p``: keep ``u``, redraw ``v`` inside the division.

    The new end is uniform over the division's other members, so no self-loops arise;
    duplicate edges are removed later by :func:`_merge_pairs`.
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


def _cross_divisions(u: np.ndarray, v: np.ndarray, division: np.ndarray, sizes: np.ndarray,
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


def _merge_pairs(n: int, u: np.ndarray, v: np.ndarray, code: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Turn a list of typed edges into unique undirected pairs.

    Self-loops are dropped; where a pair occurs several times the smallest code is kept, and
    the pair is flagged informal if any of its occurrences is informal.

    Returns:
        ``(lo, hi, code, informal)`` with ``lo < hi``, sorted by ``(lo, hi)``.
    """
    lo, hi = np.minimum(u, v).astype(np.int64), np.maximum(u, v).astype(np.int64)
    ok = lo != hi
    packed = np.sort((lo[ok] * n + hi[ok]) * 4 + code[ok])
    key, codes = packed >> 2, (packed & 3).astype(np.int8)
    new = np.ones(key.size + 1, dtype=bool)
    new[1:-1] = key[1:] != key[:-1]
    first, last = new[:-1], new[1:]
    key = key[first]
    return key // n, key % n, codes[first], codes[last] == TIE_INFORMAL


def _trust(code: np.ndarray, org: OrgParams, rng: np.random.Generator) -> np.ndarray:
    """One Beta-distributed trust weight per pair, plus the bonus on formal ties."""
    mean, conc = float(org.trust_mean), float(org.trust_concentration)
    if mean >= 1.0:
        return np.ones(code.size)
    weight = rng.beta(mean * conc, (1.0 - mean) * conc, size=code.size)
    weight = np.where(code < TIE_INFORMAL, weight + float(org.formal_trust_bonus), weight)
    return np.clip(weight, MIN_TRUST, 1.0)


def _given_trust(trust: np.ndarray, lo: np.ndarray, hi: np.ndarray, n: int, u: np.ndarray,
                 v: np.ndarray, given: np.ndarray) -> np.ndarray:
    """Replace the drawn trust of the merged pairs ``(lo, hi)`` by the trust given for them.

    A pair given several times keeps its largest value.
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


def _symmetric_csr(n: int, lo: np.ndarray, hi: np.ndarray, *values: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """CSR structure of the symmetric matrix with one entry per pair, in both directions.

    Row ``r`` holds first its pairs with ``hi == r`` (columns ``lo < r``), then those with
    ``lo == r`` (columns ``hi > r``), so sorted indices only need the pairs in ``(hi, lo)``
    order, which a CSR-to-CSC conversion (a counting sort) provides.

    Args:
        n: Number of rows and columns.
        lo: First end of each pair; pairs sorted by ``(lo, hi)`` with ``lo < hi``.
        hi: Second end of each pair.
        *values: Per-pair arrays, each mirrored to both entries of its pair.

    Returns:
        ``(indptr, indices, data)`` with sorted indices; ``data`` holds one array per value.
    """
    m = lo.size
    idx = np.int32 if 2 * m < np.iinfo(np.int32).max else np.int64
    n_upper, n_lower = np.bincount(lo, minlength=n), np.bincount(hi, minlength=n)
    upper_ptr = np.concatenate([[0], np.cumsum(n_upper)])
    by_hi = sp.csr_array((np.arange(m), hi, upper_ptr), shape=(n, n)).tocsc()
    indptr = np.zeros(n + 1, dtype=idx)
    np.cumsum(n_upper + n_lower, out=indptr[1:])
    pos_upper = indptr[lo] + n_lower[lo] + np.arange(m) - upper_ptr[lo]
    pos_lower = np.arange(m) - np.repeat(by_hi.indptr[:-1] - indptr[:-1], n_lower)
    pair, cols = np.empty(2 * m, dtype=np.int64), np.empty(2 * m, dtype=idx)
    pair[pos_upper], cols[pos_upper] = np.arange(m), hi
    pair[pos_lower], cols[pos_lower] = by_hi.data, by_hi.indices
    return indptr, cols, [x[pair] for x in values]


# --- roles and groups -----------------------------------------------------------------------------


def _spanners(lo: np.ndarray, hi: np.ndarray, division: np.ndarray, n_div: int, count: int,
              rng: np.random.Generator) -> np.ndarray:
    """Pick the ``count`` employees with the most structural bridging.

    Ranked by the number of other divisions reached, then the number of cross-division ties,
    then a random tie-break.
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


def _unofficial_groups(org: OrgParams, lo: np.ndarray, hi: np.ndarray, division: np.ndarray,
                       sizes: np.ndarray, starts: np.ndarray, rng: np.random.Generator
                       ) -> tuple[list[np.ndarray], np.ndarray]:
    """Grow the unofficial groups over the informal ties.

    Group sizes are uniform integers in ``[size_min, min(size_max, n)]`` (``size_min`` is
    lowered to ``n`` if it exceeds it); energies are uniform in ``[energy_min, energy_max]``.

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
    indptr, indices, _ = _symmetric_csr(n, lo, hi)
    for size, seed in zip(target.tolist(), seeds.tolist(), strict=True):
        members = _bfs_group(seed, size, indptr, indices, rng)
        d = int(division[seed])
        members = _top_up(members, size, np.arange(starts[d], starts[d] + sizes[d]), rng)
        members = _top_up(members, size, np.arange(n), rng)
        groups.append(np.sort(members).astype(np.int32))
    return groups, energy


def _bfs_group(seed: int, size: int, indptr: np.ndarray, indices: np.ndarray,
               rng: np.random.Generator, blocked: np.ndarray | None = None) -> np.ndarray:
    """Breadth-first search from ``seed`` until ``size`` people are found or none are left.

    Works one BFS level at a time; each person's neighbours are visited in random order.
    People marked in ``blocked`` are never visited.
    """
    visited = np.zeros(indptr.size - 1, dtype=bool) if blocked is None else blocked.copy()
    visited[seed] = True
    members, frontier, count = [np.array([seed])], np.array([seed]), 1
    while count < size and frontier.size:
        counts = indptr[frontier + 1] - indptr[frontier]
        owner = np.repeat(np.arange(frontier.size), counts)
        found = indices[np.repeat(indptr[frontier], counts) + _segment_arange(counts)]
        # random order within each owner's block; the offset stays below 0.5 after rounding
        found = found[np.argsort(owner + 0.5 * rng.random(found.size))]
        found = found[~visited[found]]
        _, first = np.unique(found, return_index=True)
        frontier = found[np.sort(first)][: size - count]
        visited[frontier] = True
        members.append(frontier)
        count += frontier.size
    return np.concatenate(members)


def _top_up(members: np.ndarray, size: int, pool: np.ndarray,
            rng: np.random.Generator) -> np.ndarray:
    """Add random people from ``pool`` (not yet members) until the group has ``size`` people."""
    need = size - members.size
    if need <= 0:
        return members
    free = pool[~np.isin(pool, members)]
    extra = rng.choice(free, size=min(need, free.size), replace=False)
    return np.concatenate([members, extra])


def _frozen(a: np.ndarray) -> np.ndarray:
    """Mark an array read-only and return it."""
    a.flags.writeable = False
    return a
