"""Vectorised random choices shared by the mechanisms.

Every function draws arrays of a fixed shape (one number per row, or per row and column) whatever
the state, so that a change in one strategy's state does not shift the random numbers of the
rows that did not change (common random numbers across strategies).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["TieSampler", "best_neighbour", "choose_per_row", "pick_another_in_group",
           "counter_uniforms", "pick_in_groups", "sample_neighbour", "sparse_uniforms",
           "step_toward"]


def choose_per_row(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Pick one column per row with probability proportional to its weight.

    Inverse-CDF sampling on each row's cumulative weights, with one uniform number per row.

    Args:
        weights: ``(rows, cols)`` non-negative weights.
        u: ``(rows,)`` uniform numbers in [0, 1), drawn by the caller in a fixed shape (one per
            person, whether or not their row is asked for), so that the draws do not depend on
            the state.

    Returns:
        ``(rows,)`` int32 column indices; -1 where a row has no positive weight.
    """
    rows, cols = weights.shape
    if cols == 0 or rows == 0:
        return np.full(rows, -1, np.int32)
    cumulative = np.cumsum(weights, axis=1)
    total = cumulative[:, -1]
    choice = np.argmax(cumulative > (u * total)[:, None], axis=1).astype(np.int32)
    choice[total <= 0] = -1
    return choice


class TieSampler:
    """Picks one neighbour per row of a weighted adjacency matrix, in proportion to tie weight.

    Inverse-CDF sampling: each tie holds the cumulative share of its row's total weight up to
    and including it (float32, computed once: the ties do not change within a run), and a
    uniform number ``u`` picks the first tie of the row whose share exceeds ``u``, found by a
    binary search within each row, all rows at once. float32 shares move each tie's chance by
    at most about 1e-7, far below any weight a tie is given.

    Args:
        ties: ``(n, n)`` CSR matrix with non-negative weights.
    """

    def __init__(self, ties: sp.csr_array) -> None:
        self.n = ties.shape[0]
        self.indices, self.data = ties.indices, ties.data
        size = ties.data.size
        index = np.int32 if size < 2**31 else np.int64  # positions of ties
        degree = np.diff(ties.indptr)
        self.heaviest = float(ties.data.max(initial=0.0))  # the largest tie weight
        self.lightest = float(ties.data.min(initial=np.inf))  # the smallest (inf: no ties)
        self.depth = int(np.ceil(np.log2(max(int(degree.max(initial=1)), 1))))
        self.share = np.empty(size, np.float32)
        total = np.zeros(self.n)
        # A block of rows at a time, to bound the temporaries.
        block = max(1, self.n * (1 << 16) // max(size, 1))  # about 65,000 ties a block
        for start in range(0, self.n, block):
            lo, hi = int(ties.indptr[start]), int(ties.indptr[min(start + block, self.n)])
            rows = np.repeat(np.arange(start, min(start + block, self.n)),
                             degree[start:start + block])
            within = np.cumsum(ties.data[lo:hi])
            within -= np.concatenate(([0.0], within))[ties.indptr[rows] - lo]
            total[start:start + block] = np.bincount(rows - start, ties.data[lo:hi],
                                                     minlength=min(block, self.n - start))
            self.share[lo:hi] = within / np.maximum(total[rows], np.finfo(float).tiny)
        last = ties.indptr[1:][degree > 0] - 1
        self.share[last] = 2.0  # a row's last tie is never passed over (round-off)
        self.none = total <= 0
        self.first = np.minimum(ties.indptr[:-1], max(size - 1, 0)).astype(index)
        self.last = np.maximum(ties.indptr[1:] - 1, 0).astype(index)
        self.last[self.none] = self.first[self.none]

    def sample(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One neighbour per row, from one uniform number per row.

        Args:
            u: ``(n,)`` uniform numbers in [0, 1).

        Returns:
            ``(neighbour, weight)``: ``(n,)`` int32 neighbour indices (-1 for rows without
            ties) and the weight of the chosen tie (0 for rows without ties).
        """
        if self.data.size == 0:
            return np.full(self.n, -1, np.int32), np.zeros(self.n)
        lo, hi = self.first.copy(), self.last.copy()
        for _ in range(self.depth):  # the first tie in [lo, hi] whose share exceeds u
            mid = (lo + hi) >> 1
            right = self.share[mid] <= u
            lo = np.where(right, mid + 1, lo)
            hi = np.where(right, hi, mid)
        chosen = self.indices[lo].astype(np.int32)
        weight = self.data[lo]
        chosen[self.none], weight[self.none] = -1, 0.0
        return chosen, weight


def sample_neighbour(
    ties: sp.csr_array, rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Pick one neighbour per row of a weighted adjacency matrix, proportional to tie weight.

    One-off form of :class:`TieSampler` (which a run keeps, see ``State.tie_sampler``).

    Args:
        ties: ``(n, n)`` CSR matrix with non-negative weights.
        rng: Random stream (one uniform number per row).

    Returns:
        ``(neighbour, weight)`` as for :meth:`TieSampler.sample`.
    """
    return TieSampler(ties).sample(rng.random(ties.shape[0]))


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def counter_uniforms(key: np.uint64, counter: np.ndarray) -> np.ndarray:
    """Uniform numbers in [0, 1) for given positions of a counter-based stream.

    Output ``i`` of SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number
    generators", OOPSLA) seeded with ``key``, for each ``i`` in ``counter``: the number at a
    position depends on the key and the position alone, so any subset of positions can be
    read, in any order, at a cost proportional to the subset.
    """
    with np.errstate(over="ignore"):
        z = (counter.astype(np.uint64) + np.uint64(1)) * _GOLDEN + key
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
        z ^= z >> np.uint64(31)
    return (z >> np.uint64(11)).astype(np.float64) * 2.0**-53


def sparse_uniforms(
    rng: np.random.Generator, shape: tuple[int, int], below: float,
    rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The entries below ``below`` of a ``(n, m)`` field of uniform numbers, resolved lazily.

    Comparing a fixed-shape field of uniforms ``u`` with chances (``u < rate``) decides who
    learns what; when every chance is at most ``below``, only the entries below ``below``
    matter, and only in the rows that learn. Entry ``c`` of the field is ``(b + v) / 256``: a
    random byte ``b``, drawn for every entry in one block (a byte an entry), and ``v`` in
    [0, 1), position ``c`` of a counter-based stream (:func:`counter_uniforms`) whose key is
    drawn with the bytes, computed only for the entries whose byte is below ``256 * below``
    rounded up. The field is as uniform as one drawn in float64, the stream advances by the
    same amount whatever is read, and each entry depends on the random stream alone, never on
    the state (common random numbers across strategies).

    Args:
        rng: Random stream.
        shape: ``(n, m)`` shape of the field.
        below: The largest chance the entries will be compared with.
        rows: Ascending rows to read (all when ``None``); the draws are the same either way.

    Returns:
        ``(cells, values)``: the ascending flat indices (``row * m + column``) of the entries
        of ``rows`` that may be below ``below``, and their values; every other entry of those
        rows is at least ``below``.
    """
    n, m = shape
    size = n * m
    words = -(-size // 8)
    raw = rng.bit_generator.random_raw(words + 1)
    key = raw[-1]
    cut = int(min(256, np.ceil(max(below, 0.0) * 256)))
    field = raw[:words].astype("<u8", copy=False).view(np.uint8)
    if rows is not None:
        block = field[:size].reshape(n, m)[rows]
        local = np.flatnonzero(block < cut) if cut < 256 else np.arange(block.size)
        high = block.reshape(-1)[local]
        cells = rows[local // m].astype(np.int64) * m + local % m
    else:
        cells = np.flatnonzero(field[:size] < cut) if cut < 256 else np.arange(size)
        high = field[cells]
    return cells, (high + counter_uniforms(key, cells)) / 256.0


def best_neighbour(
    ties: sp.csr_array, score: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Pick, for each row, the neighbour with the highest score (no random numbers).

    Equal scores go to the neighbour stored first in the row (the lowest index).

    Args:
        ties: ``(n, n)`` CSR matrix with non-negative weights.
        score: ``(n,)`` score of each employee.

    Returns:
        ``(neighbour, weight)`` as for :func:`sample_neighbour`.
    """
    n = ties.shape[0]
    chosen, weight = np.full(n, -1, np.int32), np.zeros(n)
    if ties.data.size == 0:
        return chosen, weight
    rows = np.repeat(np.arange(n), np.diff(ties.indptr))
    order = np.lexsort((-score[ties.indices].astype(np.float64), rows))  # best first per row
    has = np.diff(ties.indptr) > 0
    position = order[ties.indptr[:-1][has]]
    chosen[has] = ties.indices[position]
    weight[has] = ties.data[position]
    return chosen, weight


def pick_in_groups(
    group_of_item: np.ndarray, group_of_query: np.ndarray, items: np.ndarray,
    queries: np.ndarray, n_groups: int, u: np.ndarray,
) -> np.ndarray:
    """For each query, pick an item of the same group, uniformly among those other than itself.

    Args:
        group_of_item: ``(k,)`` group of each item.
        group_of_query: ``(q,)`` group of each query.
        items: ``(k,)`` distinct item identifiers (e.g. employee indices).
        queries: ``(q,)`` query identifiers; a query that is also an item of its group never
            picks itself.
        n_groups: Number of groups.
        u: ``(q,)`` uniform numbers in [0, 1), one per query (drawn by the caller in a fixed
            shape, so that the draws do not depend on the state).

    Returns:
        ``(q,)`` chosen item identifiers; -1 where the group has no other item.
    """
    chosen = np.full(queries.size, -1, np.int64)
    if items.size == 0:
        return chosen
    order = np.argsort(group_of_item, kind="stable")
    grouped = items[order]
    counts = np.bincount(group_of_item, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(counts)))[:-1]
    # Where each query sits among the grouped items, if it is one of them (in its own group).
    position_of = np.empty(items.size, np.int64)
    position_of[order] = np.arange(items.size)
    by_id = np.argsort(items, kind="stable")
    found = by_id[np.minimum(np.searchsorted(items[by_id], queries), items.size - 1)]
    is_self = (items[found] == queries) & (group_of_item[found] == group_of_query)
    others = counts[group_of_query] - is_self
    position = starts[group_of_query] + np.floor(u * others).astype(np.int64)
    position += is_self & (position >= position_of[found])  # skip oneself
    has = others > 0
    chosen[has] = grouped[position[has]]
    return chosen


def pick_another_in_group(group: np.ndarray, members: np.ndarray, n_groups: int,
                          u: np.ndarray) -> np.ndarray:
    """For each member, pick another member of the same group, uniformly.

    :func:`pick_in_groups` with the members as both items and queries, without its look-ups.

    Args:
        group: ``(k,)`` group of each member.
        members: ``(k,)`` distinct member identifiers (e.g. employee indices).
        n_groups: Number of groups.
        u: ``(k,)`` uniform numbers in [0, 1), one per member.

    Returns:
        ``(k,)`` chosen member identifiers; -1 where the member is alone in their group.
    """
    chosen = np.full(members.size, -1, np.int64)
    if members.size == 0:
        return chosen
    order = np.argsort(group, kind="stable")
    counts = np.bincount(group, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(counts)))[:-1]
    position_of = np.empty(members.size, np.int64)
    position_of[order] = np.arange(members.size)
    others = counts[group] - 1
    position = starts[group] + np.floor(u * others).astype(np.int64)
    position += position >= position_of  # skip oneself
    has = others > 0
    chosen[has] = members[order[position[has]]]
    return chosen


def step_toward(beliefs: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Direction of a one-step move from ``beliefs`` toward ``target``: -1, 0 or +1 per entry.

    Beliefs move one step at a time (-1 -> 0 -> +1), as in March's original program
    (Chanda & Miller 2019).
    """
    return np.sign(target.astype(np.int16) - beliefs.astype(np.int16)).astype(np.int8)
