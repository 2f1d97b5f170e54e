"""How robust the verdict is: the paired difference A − B at both ends of each uncertain parameter.

A robustness design (:mod:`sim.experiments.design`) runs the base scenario (context 0) and then
each uncertain parameter at the low and at the high end of its range, the others at their base
values, every context on the same seeds. For a KPI and a pair of strategies ``(A, B)``,
:func:`tornado` gives, per parameter, the mean paired difference ``A − B`` over the
replications at each end (each replication's A and B share their seed, and so does every
context), with its 95 % t interval, the *swing* between the ends, whether an end's interval
includes zero, and whether the difference changes sign between the ends: a parameter whose
range holds a *break-even value*, where the verdict flips. :func:`draw_tornado` draws the
tornado chart (bars sorted by swing, largest on top) and :func:`robustness_section` writes the
report's sentences.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import stats

__all__ = ["Bar", "End", "draw_tornado", "robustness_section", "tornado", "tornado_table"]

CONFIDENCE = 0.95
"""Level of the intervals of the paired differences."""


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


def estimate(values: np.ndarray, value: float) -> End:
    """The mean of paired differences with its 95 % t interval (NaN bounds below two)."""
    n = values.size
    if n == 0:
        return End(value, math.nan, math.nan, math.nan, 0)
    mean = float(values.mean())
    if n < 2:
        return End(value, mean, math.nan, math.nan, n)
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * values.std(ddof=1) / math.sqrt(n))
    return End(value, mean, mean - half, mean + half, n)


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
    base = estimate(paired(runs, kpi, 0, a, b), math.nan)
    bars = [Bar(key, kpi, estimate(paired(runs, kpi, lo, a, b), float(contexts[lo][key])),
                estimate(paired(runs, kpi, hi, a, b), float(contexts[hi][key])))
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


def draw_tornado(tornados: Mapping[str, tuple[End, list[Bar]]], labels: Mapping[str, str],
                 title: str, path: Path) -> Path:
    """Draw one tornado panel per KPI: each parameter's bar from its low to its high end.

    The bar spans the mean paired difference at the two ends (the low end's mark is hollow,
    the high end's filled), each end with its 95 % interval; the dashed line is the base
    scenario's difference and the solid one zero. A bar is drawn in the warning colour when
    an end has no clear winner, or another winner than the other end or than the scenario.

    Args:
        tornados: ``{kpi: tornado(...)}``.
        labels: Human labels of the KPIs and parameters, by name.
        title: The figure's title (which difference is shown).
        path: The PNG to write.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [(k, t) for k, t in tornados.items() if t[1]]
    rows = max((len(bars) for _, (_, bars) in panels), default=1)
    fig, axes = plt.subplots(1, max(len(panels), 1), figsize=(5.2 * max(len(panels), 1),
                                                              1.2 + 0.45 * rows),
                             squeeze=False)
    for ax, (kpi, (base, bars)) in zip(axes[0], panels, strict=False):
        y = np.arange(len(bars))[::-1]
        for yi, bar in zip(y, bars, strict=True):
            lo, hi = bar.low, bar.high
            crosses = lo.includes_zero or hi.includes_zero or bar.flips or bar.against(base)
            colour = "#c0392b" if crosses else "#2c7fb8"
            ax.plot([lo.mean, hi.mean], [yi, yi], color=colour, linewidth=6, alpha=0.55,
                    solid_capstyle="butt")
            for end, face in ((lo, "white"), (hi, colour)):
                if not math.isnan(end.low):
                    ax.plot([end.low, end.high], [yi, yi], color=colour, linewidth=1.2)
                ax.plot(end.mean, yi, "o", color=colour, markerfacecolor=face, markersize=6)
        ax.axvline(0.0, color="black", linewidth=0.8)
        if not math.isnan(base.mean):
            ax.axvline(base.mean, color="grey", linewidth=0.8, linestyle="--")
        ax.set_yticks(y)
        ax.set_yticklabels([f"{labels.get(bar.key, bar.key)}\n{_fmt(bar.low.value)} → "
                            f"{_fmt(bar.high.value)}" for bar in bars], fontsize=8)
        ax.set_title(labels.get(kpi, kpi), fontsize=10)
        ax.set_xlabel("A − B (hollow: low end, filled: high end)", fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _inline(label: str) -> str:
    """A label inside a sentence: its first letter in lower case (not an acronym's)."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _fmt(x: float) -> str:
    return f"{x:g}" if not math.isnan(x) else "?"


def robustness_section(tornados: Mapping[str, tuple[End, list[Bar]]], a: str, b: str,
                       labels: Mapping[str, str],
                       breakevens: Sequence[Mapping[str, Any]] = ()) -> str:
    """The report's section on the verdict's robustness, in sentences.

    Args:
        tornados: ``{kpi: tornado(...)}``.
        a: Strategy A.
        b: Strategy B.
        labels: Human labels of the KPIs and parameters.
        breakevens: The rows of ``breakeven.csv`` (:mod:`sim.experiments.breakeven`).
    """
    lines = ["## How robust is the verdict?", "",
             f"Each uncertain parameter was set to the low and to the high end of its range, "
             f"the others at the scenario's values, on the same seeds; the difference is "
             f"`{a}` − `{b}` with its {CONFIDENCE:.0%} interval."]
    for kpi, (base, bars) in tornados.items():
        label = labels.get(kpi, kpi)
        flips = [bar for bar in bars if bar.flips]
        against = [bar for bar in bars if not bar.flips and bar.against(base)]
        unclear = [bar for bar in bars if not bar.flips and not bar.against(base)
                   and (bar.low.includes_zero or bar.high.includes_zero)]
        text = [f"**{label}**: {base.mean:+.3g} [{base.low:+.3g}, {base.high:+.3g}] in the "
                "scenario."]
        for bar in flips:
            text.append(f"The verdict flips over {_inline(labels.get(bar.key, bar.key))}: "
                        f"{bar.low.mean:+.3g} at {_fmt(bar.low.value)}, {bar.high.mean:+.3g} "
                        f"at {_fmt(bar.high.value)}, so a break-even value lies between them.")
        for bar in against:
            ends = bar.against(base)
            said = " and ".join(f"{end.mean:+.3g} at {_fmt(end.value)}" for end in ends)
            where = (f"a break-even value lies between the scenario's value and "
                     f"{_fmt(ends[0].value)}" if len(ends) == 1 else
                     "its effect peaks inside the range, with a break-even value on each "
                     "side of the scenario's value")
            text.append(f"The verdict changes over {_inline(labels.get(bar.key, bar.key))}: "
                        f"{said}, "
                        f"against {base.mean:+.3g} in the scenario; {where}.")
        if unclear:
            text.append("No clear winner at one end of: " + ", ".join(
                _inline(labels.get(bar.key, bar.key)) for bar in unclear) + ".")
        if not flips and not against and not unclear and bars:
            text.append("Neither end of any parameter's range changes the verdict; the "
                        f"largest swing, {bars[0].swing:.3g}, comes from "
                        f"{_inline(labels.get(bars[0].key, bars[0].key))}.")
        for row in (r for r in breakevens if r["kpi"] == kpi):
            name = _inline(labels.get(row["parameter"], row["parameter"]))
            text.append(f"Break-even: `{a}` − `{b}` changes sign at {name} ≈ "
                        f"{row['breakeven']:.3g} (from {row['start_diff']:+.3g} at "
                        f"{_fmt(row['start_value'])} to {row['end_diff']:+.3g} at "
                        f"{_fmt(row['end_value'])}; no clear winner between "
                        f"{_fmt(row['interval_low'])} and {_fmt(row['interval_high'])}).")
        lines += ["", " ".join(text)]
    return "\n".join(lines)
