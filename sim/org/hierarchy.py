"""The synthetic organisation's formal structure: divisions, line managers, reporting and teams.

Divisions are contiguous blocks of employee indices of (almost) equal size
(:func:`division_blocks`); inside each, the employees form a complete ``span_of_control``-ary
tree in index order (:func:`line_managers`); :func:`formal_pairs` lists the reporting lines and,
up to :data:`TEAM_TIES_MAX_SPAN`, the team ties between colleagues who share a manager.
"""

from __future__ import annotations

import numpy as np

from sim.org.ties import TIE_REPORTING, TIE_TEAM, segment_arange

__all__ = ["TEAM_TIES_MAX_SPAN", "division_blocks", "formal_pairs", "line_managers"]

TEAM_TIES_MAX_SPAN = 12
"""Widest span of control for which colleagues under one manager get team ties."""


def division_blocks(n: int, n_div: int) -> tuple[np.ndarray, np.ndarray]:
    """Split ``n`` employees into ``n_div`` contiguous blocks whose sizes differ by at most 1.

    Returns:
        ``(sizes, starts)``, each ``(n_div,)`` int64.
    """
    sizes = np.full(n_div, n // n_div, dtype=np.int64)
    sizes[: n % n_div] += 1
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    return sizes, starts


def line_managers(local: np.ndarray, start: np.ndarray, span: int) -> np.ndarray:
    """Line managers of a complete ``span``-ary tree per division, in index order.

    Args:
        local: Position of each employee inside their division.
        start: First index of each employee's division.
        span: Span of control.

    Returns:
        ``(n,)`` int64 manager index, ``-1`` for division heads.
    """
    return np.where(local > 0, start + (local - 1) // span, -1)


def formal_pairs(manager: np.ndarray, local: np.ndarray, size: np.ndarray,
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
        v.append(first + 1 + segment_arange(later))
        code.append(np.full(first.size, TIE_TEAM, np.int8))
    return np.concatenate(u), np.concatenate(v), np.concatenate(code)
