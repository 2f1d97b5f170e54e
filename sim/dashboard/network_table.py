"""The data behind the organisation's picture: one row per person, or per cell when aggregated.

:func:`network_table` is what the page's CSV export of a network writes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.dashboard.network_layout import Layout
from sim.dashboard.network_style import ENGAGEMENT_LABELS, N_RUNGS
from sim.dashboard.network_week import cell_counts, week_of

__all__ = ["network_table"]


def network_table(model: Any, layout: Layout) -> list[dict]:
    """The data behind the picture of the current week, one dictionary per row (for a CSV).

    Person by person: ``person`` (the position, as in the picture), ``person_id`` (who holds it
    now; turnover changes it), ``division``, ``x``, ``y`` (the layout's position, y up),
    ``engagement`` (the rung in words), ``knowledge`` (March's score, -1 to 1),
    ``is_spanner`` and ``communities`` (how many live communities the person belongs to).

    Aggregated: ``division``, ``engagement``, ``count`` and ``mean_knowledge`` (``None`` for
    an empty cell), one row per division and rung.

    Args:
        model: A :class:`sim.engine.model.LearningModel` of the layout's organisation.
        layout: Its layout (:func:`~sim.dashboard.network_layout.compute_layout`).

    Raises:
        ValueError: For a layout of another organisation.
    """
    week = week_of(model, layout)
    if layout.aggregated:
        count, mean = cell_counts(week, layout.n_divisions)
        return [{"division": d, "engagement": ENGAGEMENT_LABELS[r], "count": c,
                 "mean_knowledge": round(k, 4) if c else None}
                for d, r, c, k in zip(np.repeat(np.arange(layout.n_divisions), N_RUNGS).tolist(),
                                      np.tile(np.arange(N_RUNGS), layout.n_divisions).tolist(),
                                      count.ravel().tolist(), mean.ravel().tolist(),
                                      strict=True)]
    assert layout.xy is not None
    xy = np.round(layout.xy, 4)
    spanner = np.zeros(layout.n, bool)
    spanner[list(layout.spanners)] = True
    return [{"person": i, "person_id": p, "division": d, "x": x, "y": y,
             "engagement": ENGAGEMENT_LABELS[r], "knowledge": k, "is_spanner": s,
             "communities": c}
            for i, p, d, x, y, r, k, s, c in zip(
                range(layout.n), model.state.employees.person_id.tolist(),
                week.division.tolist(), xy[:, 0].tolist(), xy[:, 1].tolist(),
                week.engagement.tolist(), np.round(week.knowledge, 4).tolist(),
                spanner.tolist(), week.members.sum(axis=1).tolist(), strict=True)]
