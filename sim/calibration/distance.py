"""How far a simulated run is from the observations: a scaled root-mean-square distance.

The observations are series (:meth:`sim.calibration.observed.Observed.groups`): one per
observable for the whole organisation, and one per observable and division. Each observed value
``y`` at week ``t`` is compared with the run's value of the same series at that week, ``x``: the
whole organisation's weekly KPI, or the division's column (``<kpi>_div_<d>``, recorded when
``run.division_series`` is on; ``knowledge_div_<d>`` for knowledge); ``active_members`` is the
participating share times the organisation's (or the division's) size. The difference is
divided by the value's measurement scale ``s``, and the distance is
``sqrt(mean(((x - y) / s)^2))`` over every observed value, so observables of different units
weigh alike and a distance of 1 means "one measurement error off on average".

The scale of a share observed in a survey of ``n`` respondents is its binomial standard error,
``sqrt(p (1 - p) / n)`` with ``p`` kept inside [0.02, 0.98], and at least :data:`SHARE_FLOOR`.
Without a sample size a share is taken as measured to :data:`SHARE_SCALE` (two points), a
knowledge score to :data:`SCORE_SCALE`, and a count of people to ``sqrt(max(y, 1))`` (Poisson).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.calibration.observed import OBSERVABLES, Observed

__all__ = ["SCORE_SCALE", "SHARE_FLOOR", "SHARE_SCALE", "Distance", "Key"]

SHARE_SCALE = 0.02
"""Measurement scale of a share without a sample size: two percentage points."""
SHARE_FLOOR = 0.01
"""The smallest scale of a share, however large its survey."""
SCORE_SCALE = 0.05
"""Measurement scale of a knowledge score (range -1 to 1)."""

Key = tuple[str | None, str]
"""A series: ``(division name or None for the whole organisation, observable)``."""


class Distance:
    """The distance of simulated weekly series to one set of observations.

    Args:
        observed: The observations.
        employees: People in the organisation (for ``active_members``).
        division_names: The organisation's division names, division ``d`` the ``d``-th.
        division_sizes: People per division, in the same order.
    """

    def __init__(self, observed: Observed, employees: int,
                 division_names: Sequence[str] = (), division_sizes: Sequence[int] = ()) -> None:
        self.observed = observed
        self.employees = employees
        self.index = {name: d for d, name in enumerate(division_names)}
        self.sizes = list(division_sizes)
        self.series: dict[Key, tuple[np.ndarray, np.ndarray]] = {
            (division, name): (group.weeks, values)
            for division, group in observed.groups() for name, values in group.values.items()}
        self.scales = {(division, name): self._scale(name, values, group.sample_size)
                       for division, group in observed.groups()
                       for name, values in group.values.items()}

    @staticmethod
    def _scale(name: str, values: np.ndarray, n: np.ndarray | None) -> np.ndarray:
        kind = OBSERVABLES[name].kind
        if kind == "count":
            return np.sqrt(np.maximum(np.nan_to_num(values, nan=1.0), 1.0))
        if kind == "score":
            return np.full(values.shape, SCORE_SCALE)
        if n is None:
            return np.full(values.shape, SHARE_SCALE)
        p = np.clip(np.nan_to_num(values, nan=0.5), 0.02, 0.98)
        surveyed = np.maximum(np.sqrt(p * (1 - p) / np.maximum(n, 1)), SHARE_FLOOR)
        return np.where(n > 0, surveyed, SHARE_SCALE)  # 0: a week measured, not surveyed

    def column(self, key: Key) -> tuple[str, float]:
        """The run's column a series is compared with, and the factor it is multiplied by."""
        division, name = key
        observable = OBSERVABLES[name]
        if division is None:
            return observable.kpi, float(self.employees) if observable.times_employees else 1.0
        d = self.index[division]
        column = f"knowledge_div_{d}" if observable.kpi == "mean_knowledge" else (
            f"{observable.kpi}_div_{d}")
        return column, float(self.sizes[d]) if observable.times_employees else 1.0

    def simulated(self, series: dict[str, np.ndarray]) -> dict[Key, np.ndarray]:
        """A run's value of each observed series at its observed weeks.

        Args:
            series: The run's weekly KPIs, each indexed by week (week 0 first).
        """
        out = {}
        for key, (weeks, _) in self.series.items():
            column, factor = self.column(key)
            out[key] = series[column][weeks] * factor
        return out

    def __call__(self, series: dict[str, np.ndarray]) -> float:
        """The distance of one run's weekly series (missing observations are skipped)."""
        return self.of(self.simulated(series))

    def of(self, simulated: dict[Key, np.ndarray]) -> float:
        """The distance of simulated values (as :meth:`simulated` gives them) to the observed."""
        terms = []
        for key, (_, observed) in self.series.items():
            seen = ~np.isnan(observed)
            terms.append(((simulated[key][seen] - observed[seen]) / self.scales[key][seen]) ** 2)
        squares = np.concatenate(terms) if terms else np.array([])
        return float(np.sqrt(squares.mean())) if squares.size else float("nan")
