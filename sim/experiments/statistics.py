"""The statistics of many runs: intervals at one confidence level, and who does better.

Every interval the experiments compute (the robustness tornado, break-even probes) and the
reports, figures and dashboard show is taken at :data:`CONFIDENCE`, and every
text names it as :data:`CONFIDENCE_TEXT`. A t-interval is symmetric around the mean and can
reach past the values a KPI can take (a share near 0 gets a negative lower bound); every shown
interval is therefore clipped to the KPI's bounds (:attr:`sim.engine.metrics.RunKpi.bounds`) with
:func:`clip_interval`, and an interval of a difference to :func:`difference_bounds`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

__all__ = ["CONFIDENCE", "CONFIDENCE_TEXT", "NAN", "clip_interval", "difference_bounds",
           "share_better", "t_interval", "t_quantile", "welch_interval"]

CONFIDENCE = 0.95
"""Confidence level of every interval."""

CONFIDENCE_TEXT = f"{CONFIDENCE:.0%}"
"""The level as the texts write it (``95%``)."""

NAN = float("nan")


def t_quantile(df: np.ndarray | float) -> np.ndarray | float:
    """The two-sided Student t quantile at :data:`CONFIDENCE` for ``df`` degrees of freedom."""
    return stats.t.ppf(0.5 + CONFIDENCE / 2, df)


def t_interval(values: np.ndarray) -> tuple[float, float, float, float]:
    """Mean, standard deviation and t-interval of the mean at :data:`CONFIDENCE`.

    Args:
        values: Sample (no NaN).

    Returns:
        ``(mean, sd, low, high)``; the mean is NaN for an empty sample, the rest for n < 2.
    """
    x = np.asarray(values, dtype=np.float64)
    if x.size == 0:
        return NAN, NAN, NAN, NAN
    mean = float(x.mean())
    if x.size < 2:
        return mean, NAN, NAN, NAN
    sd = float(x.std(ddof=1))
    half = float(t_quantile(x.size - 1)) * sd / math.sqrt(x.size)
    return mean, sd, mean - half, mean + half


def welch_interval(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Welch interval of ``mean(a) - mean(b)`` at :data:`CONFIDENCE`, ignoring any pairing.

    NaN if either sample has fewer than two values.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.size < 2 or b.size < 2:
        return NAN, NAN
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    diff = float(a.mean() - b.mean())
    if va + vb == 0:
        return diff, diff
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = float(t_quantile(df) * math.sqrt(va + vb))
    return diff - half, diff + half


def clip_interval(low: float | np.ndarray, high: float | np.ndarray,
                  bounds: tuple[float, float] | None
                  ) -> tuple[float | np.ndarray, float | np.ndarray]:
    """The interval ``[low, high]`` intersected with ``bounds``: what the KPI can take.

    Args:
        low: Lower end (a number, or an array of them, e.g. a band week by week).
        high: Upper end, like ``low``.
        bounds: ``(lowest, highest)`` possible value (either may be infinite); ``None`` for no
            bounds.

    Returns:
        ``(low, high)`` with each end moved into ``bounds``; NaN stays NaN, and an end already
        inside is returned unchanged.
    """
    if bounds is None:
        return low, high
    lo, hi = bounds
    clipped_low, clipped_high = np.clip(low, lo, hi), np.clip(high, lo, hi)
    if isinstance(low, np.ndarray) or isinstance(high, np.ndarray):
        return clipped_low, clipped_high
    return float(clipped_low), float(clipped_high)


def difference_bounds(bounds: tuple[float, float] | None) -> tuple[float, float] | None:
    """The bounds of a difference of two values that each lie within ``bounds``.

    ``(lo - hi, hi - lo)``: two shares differ by at most one either way, two week counts by any
    amount; ``None`` (no bounds) stays ``None``.
    """
    if bounds is None:
        return None
    lo, hi = bounds
    return lo - hi, hi - lo


def share_better(diff: np.ndarray, better: str) -> float:
    """Share of paired differences (A - B) where A is better; ties count one half.

    Args:
        diff: Paired differences.
        better: ``"higher"`` or ``"lower"``; anything else gives NaN, as does an empty ``diff``.
    """
    diff = np.asarray(diff, dtype=np.float64)
    if better not in ("higher", "lower") or diff.size == 0:
        return NAN
    signed = diff if better == "higher" else -diff
    return float(np.mean((signed > 0) + 0.5 * (signed == 0)))
