"""How far a simulated run is from the observations: a scaled root-mean-square distance.

Each observed value ``y`` at week ``t`` is compared with the run's value of the same
observable at that week, ``x`` (``active_members`` with the run's participating share times
the organisation's size). The difference is divided by the value's measurement scale ``s``, and
the distance is ``sqrt(mean(((x - y) / s)^2))`` over every observed value, so observables of
different units weigh alike and a distance of 1 means "one measurement error off on average".

The scale of a share observed in a survey of ``n`` respondents is its binomial standard error,
``sqrt(p (1 - p) / n)`` with ``p`` kept inside [0.02, 0.98], and at least :data:`SHARE_FLOOR`.
Without a sample size a share is taken as measured to :data:`SHARE_SCALE` (two points), a
knowledge score to :data:`SCORE_SCALE`, and a count of people to ``sqrt(max(y, 1))`` (Poisson).
"""

from __future__ import annotations

import numpy as np

from sim.calibration.observed import OBSERVABLES, Observed

__all__ = ["SCORE_SCALE", "SHARE_FLOOR", "SHARE_SCALE", "Distance"]

SHARE_SCALE = 0.02
"""Measurement scale of a share without a sample size: two percentage points."""
SHARE_FLOOR = 0.01
"""The smallest scale of a share, however large its survey."""
SCORE_SCALE = 0.05
"""Measurement scale of a knowledge score (range -1 to 1)."""


class Distance:
    """The distance of simulated weekly series to one set of observations.

    Args:
        observed: The observations.
        employees: People in the organisation (for ``active_members``).
    """

    def __init__(self, observed: Observed, employees: int) -> None:
        self.observed = observed
        self.employees = employees
        self.scales = {name: self._scale(name, values)
                       for name, values in observed.values.items()}

    def _scale(self, name: str, values: np.ndarray) -> np.ndarray:
        kind = OBSERVABLES[name].kind
        if kind == "count":
            return np.sqrt(np.maximum(np.nan_to_num(values, nan=1.0), 1.0))
        if kind == "score":
            return np.full(values.shape, SCORE_SCALE)
        n = self.observed.sample_size
        if n is None:
            return np.full(values.shape, SHARE_SCALE)
        p = np.clip(np.nan_to_num(values, nan=0.5), 0.02, 0.98)
        surveyed = np.maximum(np.sqrt(p * (1 - p) / np.maximum(n, 1)), SHARE_FLOOR)
        return np.where(n > 0, surveyed, SHARE_SCALE)  # 0: a week measured, not surveyed

    def simulated(self, series: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """A run's value of each observable at the observed weeks.

        Args:
            series: The run's weekly KPIs, each indexed by week (week 0 first).
        """
        weeks = self.observed.weeks
        out = {}
        for name in self.observed.values:
            if name == "active_members":
                out[name] = series["participating_share"][weeks] * self.employees
            else:
                out[name] = series[name][weeks]
        return out

    def __call__(self, series: dict[str, np.ndarray]) -> float:
        """The distance of one run's weekly series (NaN never: missing values are skipped)."""
        simulated = self.simulated(series)
        terms = []
        for name, observed in self.observed.values.items():
            seen = ~np.isnan(observed)
            terms.append(((simulated[name][seen] - observed[seen]) / self.scales[name][seen])
                         ** 2)
        squares = np.concatenate(terms)
        return float(np.sqrt(squares.mean())) if squares.size else float("nan")
