"""How robust the verdict is: the paired difference A − B at both ends of each uncertain parameter.

A robustness design (:mod:`sim.experiments.design`) runs the base scenario (context 0) and then
each uncertain parameter at the low and at the high end of its range, the others at their base
values, every context on the same seeds. For a KPI and a pair of strategies ``(A, B)``,
:func:`tornado` gives, per parameter, the mean paired difference ``A − B`` over the
replications at each end (each replication's A and B share their seed, and so does every
context), with its 95 % t interval, the *swing* between the ends, whether an end's interval
includes zero, and whether the difference changes sign between the ends or against the base
scenario: a parameter whose range holds a *break-even value*, where the verdict changes
(:mod:`sim.experiments.breakeven` finds it). The tornado chart and the report's sentences are
in :mod:`sim.report.robustness`. Each interval is clipped to the differences the KPI can take
(from :attr:`sim.engine.metrics.RunKpi.bounds`), as the reports clip theirs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sim.engine.metrics import RUN_KPIS
from sim.experiments.statistics import clip_interval, difference_bounds, t_interval

__all__ = ["Bar", "End", "ends_of", "estimate", "paired", "tornado",
           "tornado_table"]


_BOUNDS = {k.name: k.bounds for k in RUN_KPIS}


@dataclass(frozen=True)
class End:
    """The paired difference ``A − B`` in one context: mean, 95 % interval, replications."""

    value: float
    """The parameter's value in this context."""
    mean: float
    low: float
    high: float
    n: int

    @property
    def includes_zero(self) -> bool:
        """Whether the interval includes zero (no clear winner at this value)."""
        return not (self.low > 0 or self.high < 0)


@dataclass(frozen=True)
class Bar:
    """One parameter of the tornado: the paired difference at its low and its high end."""

    key: str
    kpi: str
    low: End
    high: End

    @property
    def swing(self) -> float:
        """How far the mean difference moves between the two ends."""
        return abs(self.high.mean - self.low.mean)

    def against(self, base: End) -> list[End]:
        """The ends with a clear winner other than the base scenario's clear winner.

        Between the base value and such an end lies a break-even value; an effect that peaks
        inside the range can change the verdict at both ends while the ends agree.
        """
        if base.includes_zero or math.isnan(base.mean):
            return []
        return [end for end in (self.low, self.high) if not end.includes_zero
                and math.copysign(1, end.mean) != math.copysign(1, base.mean)]

    @property
    def flips(self) -> bool:
        """Whether the verdict flips inside the range: a clear winner at each end, not the same.

        Both ends' intervals exclude zero, on opposite sides.
        """
        return (not self.low.includes_zero and not self.high.includes_zero
                and math.copysign(1, self.low.mean) != math.copysign(1, self.high.mean))


def paired(runs: pa.Table, kpi: str, context: int, a: str, b: str) -> np.ndarray:
    """The differences A − B of one context, replication by replication (NaNs left out)."""
    rows = runs.filter(pc.equal(runs["context"], context))
    by = {(s, r): v for s, r, v in zip(rows["strategy"].to_pylist(),
                                       rows["replication"].to_pylist(),
                                       rows[kpi].to_pylist(), strict=True)}
    pairs = [by[(a, r)] - by[(b, r)] for (s, r) in by if s == a and (b, r) in by
             and by[(a, r)] is not None and by[(b, r)] is not None]
    values = np.asarray(pairs, dtype=float)
    return values[~np.isnan(values)]


def estimate(values: np.ndarray, value: float, kpi: str | None = None) -> End:
    """The mean of paired differences with its 95 % t interval (NaN bounds below two).

    Args:
        values: The paired differences A − B (no NaN).
        value: The parameter's value in their context.
        kpi: The run KPI they are differences of: the interval is clipped to the differences
            it can take (:func:`~sim.experiments.statistics.difference_bounds` of its bounds;
            two shares differ by at most 1). ``None``, or a KPI outside
            :data:`~sim.engine.metrics.RUN_KPIS`, leaves it unclipped.
    """
    mean, _, low, high = t_interval(values)
    low, high = clip_interval(low, high, difference_bounds(_BOUNDS.get(kpi)))
    return End(value, mean, low, high, int(np.asarray(values).size))


def ends_of(contexts: Sequence[Mapping[str, Any]]) -> dict[str, tuple[int, int]]:
    """``{key: (low context, high context)}`` of a robustness design's contexts.

    Context 0 is the base; each uncertain parameter then has its low and its high context, in
    that order, each setting that parameter alone.
    """
    ends: dict[str, tuple[int, int]] = {}
    for c in range(1, len(contexts) - 1, 2):
        (key,) = contexts[c]
        ends[key] = (c, c + 1)
    return ends


def tornado(runs: pa.Table, contexts: Sequence[Mapping[str, Any]], kpi: str, a: str,
            b: str) -> tuple[End, list[Bar]]:
    """The paired difference ``A − B`` on ``kpi`` at the base and at both ends of each parameter.

    Args:
        runs: One row per run (``context``, ``strategy``, ``replication`` and the KPI).
        contexts: The design's contexts, ``{key: value}`` each, context 0 the base.
        kpi: A run KPI.
        a: Strategy A.
        b: Strategy B.

    Returns:
        ``(base, bars)``: the difference in the base scenario, and one bar per parameter,
        sorted by swing, largest first.
    """
    base = estimate(paired(runs, kpi, 0, a, b), math.nan, kpi)
    bars = [Bar(key, kpi, estimate(paired(runs, kpi, lo, a, b), float(contexts[lo][key]), kpi),
                estimate(paired(runs, kpi, hi, a, b), float(contexts[hi][key]), kpi))
            for key, (lo, hi) in ends_of(contexts).items()]
    bars.sort(key=lambda bar: -bar.swing if not math.isnan(bar.swing) else 0.0)
    return base, bars


def tornado_table(tornados: Mapping[str, tuple[End, list[Bar]]], a: str, b: str) -> pa.Table:
    """Every KPI's tornado as one table (``robustness.csv``), bars in swing order."""
    rows = []
    for kpi, (base, bars) in tornados.items():
        for bar in bars:
            rows.append({
                "kpi": kpi, "a": a, "b": b, "parameter": bar.key,
                "base_diff": base.mean, "base_ci_low": base.low, "base_ci_high": base.high,
                "low_value": bar.low.value, "low_diff": bar.low.mean,
                "low_ci_low": bar.low.low, "low_ci_high": bar.low.high,
                "high_value": bar.high.value, "high_diff": bar.high.mean,
                "high_ci_low": bar.high.low, "high_ci_high": bar.high.high,
                "swing": bar.swing, "low_includes_zero": bar.low.includes_zero,
                "high_includes_zero": bar.high.includes_zero, "flips": bar.flips,
                "low_against_base": bar.low in bar.against(base),
                "high_against_base": bar.high in bar.against(base),
                "replications": min(bar.low.n, bar.high.n)})
    return pa.Table.from_pylist(rows)
