"""What the organisation's picture shows of the current week, read from a model's state.

:func:`week_of` gathers, in whole-array operations, each person's division, engagement rung and
knowledge and the live communities with their members; the rest of this module derives what
the chart, the figure and the table share: the headcount of each (division, rung) cell, where
each community sits, and the subtitle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from sim.dashboard.network_layout import Layout, sunflower
from sim.dashboard.network_style import N_RUNGS, community_size
from sim.engine.metrics import knowledge_scores
from sim.engine.state import Engagement, Status

__all__ = ["PICTURE_PX", "Week", "cell_counts", "community_names", "community_places",
           "members_by_division", "subtitle", "week_of"]


PICTURE_PX = 280.0
"""About how many pixels the discs span in the dashboard's picture (see
:mod:`sim.dashboard.network_chart`)."""
_SEPARATE_MAX = 200
"""Most communities pushed apart so that their squares do not overlap."""


@dataclass(frozen=True)
class Week:
    """What the picture shows of the current week, computed in whole-array operations."""

    week: int
    division: np.ndarray
    engagement: np.ndarray
    knowledge: np.ndarray
    live: np.ndarray
    """Indices of the live communities."""
    members: np.ndarray
    """``(n, L)`` bool membership of the live communities."""
    sizes: np.ndarray
    status: np.ndarray
    official: np.ndarray
    dormant: int


def week_of(model: Any, layout: Layout) -> Week:
    """The current week of ``model``, checked against the layout's organisation (by size)."""
    if model.org.n != layout.n or model.org.n_divisions != layout.n_divisions:
        raise ValueError(f"the layout was computed for another organisation ({layout.n} people "
                         f"in {layout.n_divisions} divisions; this one has {model.org.n} in "
                         f"{model.org.n_divisions})")
    state = model.state
    e, c = state.employees, state.communities
    live = np.flatnonzero(c.live)
    members = c.members[:, live]
    return Week(
        week=int(state.step),
        division=e.division.astype(np.int64),
        engagement=e.engagement.astype(np.int64),
        knowledge=knowledge_scores(e.beliefs, state.world.reality),
        live=live,
        members=members,
        sizes=members.sum(axis=0).astype(np.int64),
        status=c.status[live].astype(np.int64),
        official=c.official[live].copy(),
        dormant=int(np.count_nonzero(c.used & (c.status == Status.DORMANT))),
    )


def community_names(week: Week) -> list[str]:
    """``Community 3: active, 25 members`` (``Unofficial group 3: ...``) for each live one."""
    return [f"{'Community' if o else 'Unofficial group'} {c}: {Status(s)}, {k} members"
            for c, o, s, k in zip(week.live.tolist(), week.official.tolist(),
                                  week.status.tolist(), week.sizes.tolist(), strict=True)]


def community_places(week: Week, layout: Layout) -> np.ndarray:
    """``(L, 2)``: each live community at the centroid of its members, pushed apart to be seen.

    Communities without members sit at the middle of the picture. Where two communities' squares
    would overlap (their sizes read as a share of a picture about :data:`PICTURE_PX` pixels
    across), they are pushed apart in a few rounds of pairwise repulsion (up to
    :data:`_SEPARATE_MAX` communities).
    """
    assert layout.xy is not None
    xy = layout.xy
    middle = xy.mean(axis=0) if xy.size else np.zeros(2)
    total = week.members.T.astype(np.float64) @ xy
    with np.errstate(invalid="ignore", divide="ignore"):
        place = np.where(week.sizes[:, None] > 0, total / week.sizes[:, None], middle)
    if 1 < place.shape[0] <= _SEPARATE_MAX:
        low = (layout.centres - layout.radius[:, None]).min(axis=0)
        high = (layout.centres + layout.radius[:, None]).max(axis=0)
        per_px = float((high - low).max()) / PICTURE_PX
        half = 0.5 * community_size(week.sizes) * per_px
        place = _separate(place, half[:, None] + half[None, :] + 2.0 * per_px)
    return place


def _separate(place: np.ndarray, apart: np.ndarray, rounds: int = 40) -> np.ndarray:
    """Push points apart until each pair ``i, j`` is at least ``apart[i, j]`` apart (or give up).

    Deterministic: points at the same place are first moved by a tiny sunflower offset.
    """
    p = place + 1e-6 * sunflower(np.arange(place.shape[0]))
    for _ in range(rounds):
        diff = p[:, None, :] - p[None, :, :]
        dist = np.hypot(diff[..., 0], diff[..., 1])
        np.fill_diagonal(dist, np.inf)
        short = np.clip(apart - dist, 0.0, None)
        if not short.any():
            break
        p = p + 0.5 * (diff * (short / dist)[..., None]).sum(axis=1)
    return p


def subtitle(week: Week, n: int, sep: str = "; ") -> str:
    """``Week 3: 40 of 1000 people taking part; communities: 2 active, ...``, ``sep`` between."""
    taking_part = int(np.count_nonzero(week.engagement >= Engagement.LURKER))
    active = int(np.count_nonzero(week.status == Status.ACTIVE))
    forming = int(np.count_nonzero(week.status == Status.FORMING))
    return (f"Week {week.week}: {taking_part} of {n} people taking part{sep}communities: "
            f"{active} active, {forming} forming, {week.dormant} dormant (not drawn)")


def cell_counts(week: Week, n_div: int) -> tuple[np.ndarray, np.ndarray]:
    """Headcount and mean knowledge of each (division, rung) cell, ``(D, 5)`` each."""
    key = week.division * N_RUNGS + week.engagement
    count = np.bincount(key, minlength=n_div * N_RUNGS).reshape(n_div, N_RUNGS)
    total = np.bincount(key, weights=week.knowledge,
                        minlength=n_div * N_RUNGS).reshape(n_div, N_RUNGS)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / np.maximum(count, 1), 0.0)
    return count, mean


def members_by_division(week: Week, n_div: int) -> np.ndarray:
    """``(L, D)`` members of each live community from each division."""
    division = week.division
    onehot = sp.csr_array((np.ones(division.size, np.float32),
                           (division, np.arange(division.size))), shape=(n_div, division.size))
    return np.rint(onehot @ week.members.astype(np.float32)).astype(np.int64).T
