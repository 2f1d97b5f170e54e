"""Ties as arrays: their type codes, and the pair lists the organisation's matrices are made of.

:func:`merge_pairs` turns typed edges (with duplicates and self-loops) into unique undirected
pairs; :func:`symmetric_csr` mirrors pairs into the structure of a symmetric CSR matrix with
sorted indices; :func:`segment_arange` concatenates ranges without a Python loop, for the
generator's pair lists and the breadth-first search.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["TIE_INFORMAL", "TIE_REPORTING", "TIE_TEAM", "merge_pairs", "segment_arange",
           "symmetric_csr"]

TIE_REPORTING, TIE_TEAM, TIE_INFORMAL = 1, 2, 3
"""Tie type codes; a pair with several kinds of tie keeps the smallest code."""


def segment_arange(counts: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(c)`` for each ``c`` in ``counts``, without a Python loop."""
    counts = np.asarray(counts, dtype=np.int64)
    ends = np.cumsum(counts)
    return np.arange(ends[-1] if counts.size else 0) - np.repeat(ends - counts, counts)


def merge_pairs(n: int, u: np.ndarray, v: np.ndarray, code: np.ndarray
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


def symmetric_csr(n: int, lo: np.ndarray, hi: np.ndarray, *values: np.ndarray
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
