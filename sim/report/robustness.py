"""The tornado chart of a robustness design and the report's section on it.

The numbers come from :mod:`sim.experiments.robustness` (paired differences at both ends of each
uncertain parameter) and :mod:`sim.experiments.breakeven` (break-even values); this module draws
:func:`draw_tornado` (bars from the scenario to each end, the parameter that moves the
difference most on top) and writes
:func:`robustness_section`: the verdict and its conditions first ("`B` does better, unless ..."),
then per KPI a short paragraph and a table of both ends of every parameter. Differences are
shown in the KPI's unit (shares in points), parameter values as the schema states them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.engine.metrics import RUN_KPIS
from sim.experiments.robustness import Bar, End
from sim.experiments.statistics import CONFIDENCE
from sim.report.figures import STYLE, save_png
from sim.report.formats import format_change, format_level, format_span, is_number, markdown_table
from sim.report.labels import in_sentence

__all__ = ["by_reach", "draw_tornado", "robustness_section"]

_RUN = {k.name: k for k in RUN_KPIS}
_WARNING, _CLEAR = "#c0392b", "#2c7fb8"


def draw_tornado(tornados: Mapping[str, tuple[End, list[Bar]]], labels: Mapping[str, str],
                 title: str, path: Path) -> Path:
    """Draw one tornado panel per KPI: each parameter's two ends, as bars from the scenario.

    Each parameter has two bars that start at the base scenario's difference (the dashed
    line): the upper one reaches the mean paired difference at the low end of its range, the
    lower one that at the high end, each with its 95 % interval. Parameters are sorted by how
    far either end moves the difference, largest on top; the solid line is zero. An end is drawn
    in the warning colour when it has no clear winner or another winner than the scenario, so
    an effect that peaks inside the range shows at both ends. Shares are drawn in points.

    Args:
        tornados: ``{kpi: tornado(...)}``.
        labels: Human labels of the KPIs and parameters, by name.
        title: The figure's title (which difference is shown).
        path: The PNG to write (no time stamp: the same numbers give the same bytes).
    """
    panels = [(k, t) for k, t in tornados.items() if t[1]]
    rows = max((len(bars) for _, (_, bars) in panels), default=1)
    with mpl.rc_context(STYLE):
        fig = Figure(figsize=(5.2 * max(len(panels), 1), 1.6 + 0.5 * rows), dpi=110,
                     layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, max(len(panels), 1), squeeze=False)[0]
        for ax, (kpi, (base, bars)) in zip(axes, panels, strict=False):
            _draw_panel(ax, kpi, base, by_reach(base, bars), labels)
        fig.suptitle(title, fontsize=11)
        path.parent.mkdir(parents=True, exist_ok=True)
        return save_png(fig, path)


def by_reach(base: End, bars: list[Bar]) -> list[Bar]:
    """The bars sorted by how far either end moves the difference from the base, largest first.

    Unlike the swing between the ends, this ranks an effect that peaks inside the range (both
    ends far from the base, close to each other) where it belongs.
    """
    def reach(bar: Bar) -> float:
        moves = [abs(end.mean - base.mean) for end in (bar.low, bar.high)
                 if math.isfinite(end.mean) and math.isfinite(base.mean)]
        return max(moves, default=0.0)

    return sorted(bars, key=lambda bar: -reach(bar))


def _draw_panel(ax: Any, kpi: str, base: End, bars: list[Bar],
                labels: Mapping[str, str]) -> None:
    """One KPI's tornado on ``ax``."""
    unit = _RUN[kpi].unit if kpi in _RUN else ""
    better = _RUN[kpi].better if kpi in _RUN else "higher"
    scale = 100.0 if unit == "share" else 1.0
    origin = scale * base.mean if math.isfinite(base.mean) else 0.0
    y = np.arange(len(bars))[::-1]
    for yi, bar in zip(y, bars, strict=True):
        for end, offset, shade in ((bar.low, 0.19, 0.45), (bar.high, -0.19, 0.85)):
            changed = end.includes_zero or end in bar.against(base)
            colour = _WARNING if changed else _CLEAR
            ax.barh(yi + offset, scale * end.mean - origin, left=origin, height=0.36,
                    color=colour, alpha=shade, edgecolor=colour, linewidth=0.6)
            if math.isfinite(end.low):
                ax.plot([scale * end.low, scale * end.high], [yi + offset] * 2, color="black",
                        linewidth=0.9)
    ax.axvline(0.0, color="black", linewidth=0.9)
    if math.isfinite(base.mean):
        ax.axvline(origin, color="grey", linewidth=0.8, linestyle="--")
    ax.set_yticks(y)
    ax.set_yticklabels([f"{labels.get(bar.key, bar.key)}\nlow {_level(bar.low.value)} · high "
                        f"{_level(bar.high.value)}" for bar in bars], fontsize=8)
    side = {"higher": "right of 0: A better", "lower": "left of 0: A better"}.get(better, "")
    ax.set_title(f"{labels.get(kpi, kpi)}" + (f" ({side})" if side else ""), fontsize=10)
    what = {"share": "points", "weeks": "weeks"}.get(unit, unit)
    ax.set_xlabel(f"A − B in {what}; upper bar: low end, lower bar: high end;\ndashed: the "
                  "scenario; red: the verdict changes or is unclear there", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)


def _level(x: float) -> str:
    """A parameter value: up to four significant digits (``?`` when unknown)."""
    return format_level(float(x)) if not math.isnan(x) else "?"


def _about(x: float) -> str:
    """A break-even value, to two significant digits: ``0.22``, ``150``."""
    return f"{float(f'{x:.2g}'):g}" if math.isfinite(x) else "?"


@dataclass(frozen=True)
class _Reading:
    """How to read differences ``A − B`` of one KPI: its unit, better side and strategies."""

    kpi: str
    label: str
    unit: str
    better: str
    a: str
    b: str

    def winner(self, diff: float) -> str:
        """The strategy a difference favours."""
        return self.a if (diff > 0) == (self.better == "higher") else self.b

    def clear_winner(self, end: End) -> str | None:
        """The strategy clearly better at an end, None when its interval includes zero."""
        return None if end.includes_zero or math.isnan(end.mean) else self.winner(end.mean)

    def change(self, end: End) -> str:
        """``+1.2 points [+0.4 to +2.0]``."""
        return (f"{format_change(end.mean, self.unit)} "
                f"[{format_span(end.low, end.high, self.unit, signed=True)}]")


def robustness_section(tornados: Mapping[str, tuple[End, list[Bar]]], a: str, b: str,
                       labels: Mapping[str, str],
                       breakevens: Sequence[Mapping[str, Any]] = (),
                       base_values: Mapping[str, Any] | None = None,
                       reasons: Mapping[str, str] | None = None, between: str = "") -> str:
    """The report's sections on the verdict's robustness: the verdict first, then per KPI.

    Args:
        tornados: ``{kpi: tornado(...)}``.
        a: Strategy A.
        b: Strategy B.
        labels: Human labels of the KPIs and parameters.
        breakevens: The rows of ``breakeven.csv`` (:mod:`sim.experiments.breakeven`).
        base_values: The scenario's value of each parameter, for the tables.
        reasons: Why each parameter's plausible range is what it is (from the schema).
        between: Sections to put between the verdict and the details (the strategies).
    """
    base_values = base_values or {}
    readings = {kpi: _Reading(kpi, labels.get(kpi, kpi), _RUN[kpi].unit if kpi in _RUN else "",
                              _RUN[kpi].better if kpi in _RUN else "higher", a, b)
                for kpi in tornados}
    lead = [_lead(readings[kpi], base, bars, labels, breakevens)
            for kpi, (base, bars) in tornados.items()]
    question = (f"Which does better, `{a}` or `{b}`, and what would have to be true of the "
                "organisation for the other to win?")
    parts = ["## Verdict", question, "\n".join(f"- {line}" for line in lead),
             *([between] if between else []),
             "## How robust is the verdict?",
             f"Each uncertain parameter was set to the low and to the high end of its plausible "
             f"range, the others at the scenario's values, on the same seeds. The difference "
             f"is `{a}` − `{b}` with its {CONFIDENCE:.0%} interval; a break-even value, where "
             "the verdict changes, was found by bisection between the scenario's value and the "
             "end where the other strategy wins."]
    for kpi, (base, bars) in tornados.items():
        reading = readings[kpi]
        bars = by_reach(base, bars)
        parts.append(f"### {reading.label}")
        parts += _details(reading, base, bars, labels, breakevens)
        if bars:
            parts.append(_table(reading, bars, labels, base_values))
    if reasons:
        parts.append("Why these ranges:\n\n" + "\n".join(
            f"- *{labels.get(key, key)}*: {reason.rstrip('.')}." for key, reason in reasons.items()
            if reason))
    return "\n\n".join(parts)


def _lead(reading: _Reading, base: End, bars: list[Bar], labels: Mapping[str, str],
          breakevens: Sequence[Mapping[str, Any]]) -> str:
    """One line of the verdict: who wins in the scenario, and what would change that."""
    name = in_sentence(reading.label)
    winner = reading.clear_winner(base)
    if winner is None:
        return (f"On {name}, neither strategy is clearly better in the scenario "
                f"({reading.change(base)}).")
    conditions: dict[str, list[str]] = {}
    largest = 0.0
    rows = [r for r in breakevens if r["kpi"] == reading.kpi]
    for row in rows:
        side = "above" if row["end_value"] > row["start_value"] else "below"
        conditions.setdefault(row["parameter"], []).append(
            f"{side} about {_about(row['breakeven'])}")
        largest = max(largest, abs(row["end_diff"]))
    searched = {r["parameter"] for r in rows}
    for bar in bars:
        for end in ([] if bar.key in searched else bar.against(base)):
            conditions.setdefault(bar.key, []).append(f"near {_level(end.value)}")
            largest = max(largest, abs(end.mean))
    if not conditions:
        return (f"On {name}, **`{winner}`** does better, in the scenario and at both ends of "
                "every parameter's plausible range.")
    other = reading.b if winner == reading.a else reading.a
    unless = " or ".join(f"{in_sentence(labels.get(key, key))} is {' or '.join(sides)}"
                         for key, sides in conditions.items())
    return (f"On {name}, **`{winner}`** does better, unless {unless}: then `{other}` does, by "
            f"up to {format_change(largest, reading.unit).lstrip('+')} at the ends of the "
            "range.")


def _details(reading: _Reading, base: End, bars: list[Bar], labels: Mapping[str, str],
             breakevens: Sequence[Mapping[str, Any]]) -> list[str]:
    """Short paragraphs on one KPI: the scenario, what changes the verdict, the break-evens."""
    winner = reading.clear_winner(base)
    said = (f"`{winner}` does better" if winner else "neither is clearly better")
    out = [f"In the scenario the difference is {reading.change(base)}: {said}."]
    flips = [bar for bar in bars if bar.flips]
    against = [bar for bar in bars if not bar.flips and bar.against(base)]
    unclear = [bar for bar in bars if not bar.flips and not bar.against(base)
               and (bar.low.includes_zero or bar.high.includes_zero)]
    for bar in flips:
        out.append(f"The verdict flips over {in_sentence(labels.get(bar.key, bar.key))}: "
                   f"{format_change(bar.low.mean, reading.unit)} at {_level(bar.low.value)}, "
                   f"{format_change(bar.high.mean, reading.unit)} at {_level(bar.high.value)}.")
    for bar in against:
        ends = bar.against(base)
        at = " and ".join(f"{format_change(e.mean, reading.unit)} at {_level(e.value)}"
                          for e in ends)
        peak = (" Its effect peaks inside the range: there is a break-even value on each side "
                "of the scenario's value." if len(ends) == 2 else "")
        out.append(f"The verdict changes over {in_sentence(labels.get(bar.key, bar.key))}: "
                   f"{at}.{peak}")
    if unclear:
        out.append("Neither strategy is clearly better at one end of " + ", ".join(
            in_sentence(labels.get(bar.key, bar.key)) for bar in unclear) + ".")
    if not flips and not against and not unclear and bars:
        end = _farthest(bars[0], base)
        out.append(f"No parameter changes the verdict over its plausible range; "
                   f"{in_sentence(labels.get(bars[0].key, bars[0].key))} moves the difference "
                   f"most: to {format_change(end.mean, reading.unit)} at "
                   f"{_level(end.value)}.")
    for row in (r for r in breakevens if r["kpi"] == reading.kpi):
        name = in_sentence(labels.get(row["parameter"], row["parameter"]))
        beyond = reading.winner(row["end_diff"])
        side = "above" if row["end_value"] > row["start_value"] else "below"
        out.append(f"Break-even: {name} ≈ {_about(row['breakeven'])}. {side.capitalize()} it "
                   f"`{beyond}` does better (at {_level(row['end_value'])}: "
                   f"{format_change(row['end_diff'], reading.unit)}); between "
                   f"{_level(row['interval_low'])} and {_level(row['interval_high'])} neither "
                   "is clearly better.")
    return out


def _farthest(bar: Bar, base: End) -> End:
    """The end of a parameter's range farther from the base scenario's difference."""
    return max((bar.low, bar.high), key=lambda end: abs(end.mean - base.mean)
               if math.isfinite(end.mean) else -1.0)


def _table(reading: _Reading, bars: list[Bar], labels: Mapping[str, str],
           base_values: Mapping[str, Any]) -> str:
    """Both ends of every parameter, the one that moves the difference most first."""
    def verdict(end: End) -> str:
        winner = reading.clear_winner(end)
        return f"`{winner}`" if winner else "no clear winner"

    body = [[labels.get(bar.key, bar.key),
             _level(float(base_values[bar.key])) if is_number(base_values.get(bar.key))
             else "—",
             f"{_level(bar.low.value)}: {reading.change(bar.low)}, {verdict(bar.low)}",
             f"{_level(bar.high.value)}: {reading.change(bar.high)}, {verdict(bar.high)}"]
            for bar in bars]
    return markdown_table(["Parameter", "Scenario", "Low end", "High end"], body)
