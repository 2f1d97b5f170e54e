"""Vectorised random choices shared by the mechanisms.

Every function draws arrays of a fixed shape (one number per row, or per row and column) whatever
the state, so that a change in one strategy's state does not shift the random numbers of the
rows that did not change (common random numbers across strategies).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["best_neighbour", "choose_per_row", "pick_in_groups", "sample_neighbour",
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


def sample_neighbour(
    ties: sp.csr_array, rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Pick one neighbour per row of a weighted adjacency matrix, proportional to tie weight.

    Args:
        ties: ``(n, n)`` CSR matrix with non-negative weights.
        rng: Random stream.

    Returns:
        ``(neighbour, weight)``: ``(n,)`` int32 neighbour indices (-1 for rows without ties) and
        the weight of the chosen tie (0 for rows without ties).
    """
    n = ties.shape[0]
    u = rng.random(n)
    indptr, data = ties.indptr, ties.data
    if data.size == 0:
        return np.full(n, -1, np.int32), np.zeros(n)
    cum = np.cumsum(data)
    before = np.concatenate(([0.0], cum))[indptr[:-1]]
    row_total = np.concatenate(([0.0], cum))[indptr[1:]] - before
    position = np.searchsorted(cum, before + u * row_total, side="right")
    position = np.minimum(np.minimum(position, np.maximum(indptr[1:] - 1, 0)), data.size - 1)
    chosen = ties.indices[position].astype(np.int32)
    weight = data[position].copy()
    none = row_total <= 0
    chosen[none], weight[none] = -1, 0.0
    return chosen, weight


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


def step_toward(beliefs: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Direction of a one-step move from ``beliefs`` toward ``target``: -1, 0 or +1 per entry.

    Beliefs move one step at a time (-1 -> 0 -> +1), as in March's original program
    (Chanda & Miller 2019).
    """
    return np.sign(target.astype(np.int16) - beliefs.astype(np.int16)).astype(np.int8)
