"""Plain-language text of the dashboard: what the strategies do, and the verdict of a race.

The strategies are described by the registry's own texts (:mod:`sim.engine.strategies`); numbers are
written as ``report.md`` writes them (:mod:`sim.report.text`).
"""

from __future__ import annotations

import inspect
import math

from sim.dashboard.bands import Bands, better_direction
from sim.dashboard.race import Snapshot
from sim.engine.strategies import STRATEGIES
from sim.report.formats import format_change, format_span, format_value

__all__ = ["VERDICT_KPIS", "strategy_text", "verdict"]

VERDICT_KPIS: tuple[tuple[str, str, str], ...] = (
    ("participating_share", "people taking part", "share"),
    ("contributing_share", "people contributing", "share"),
    ("mean_knowledge", "knowledge (March's score, -1 to 1)", "score"),
    ("error_rate", "wrong actions", "share"),
)
"""``(kpi, what it counts, unit)`` of the measures the verdict speaks of, in order."""


def strategy_text(name: str) -> tuple[str, str]:
    """The strategy's one-line summary and how it works, from its registered class."""
    cls = STRATEGIES[name]
    doc = inspect.getdoc(cls) or ""
    body = doc.split("\n\n", 1)[1] if "\n\n" in doc else ""
    return cls.summary, " ".join(body.replace("``", "").split())


def _compare(a: str, b: str, what: str, unit: str, x: float, y: float, kpi: str) -> str:
    diff = x - y
    if not (math.isfinite(x) and math.isfinite(y)):
        return f"{what}: not measured"
    amount = format_change(abs(diff), unit).lstrip("+")
    if set(amount.split()[0]) <= set("0."):  # a gap too small to show is no lead
        return f"{a} and {b} are level on {what}, at {format_value(x, unit)}"
    ahead = a if (diff > 0) == (better_direction(kpi) == "higher") else b
    values = f"({format_value(x, unit)} against {format_value(y, unit)})"
    if unit == "share":
        said = f"{a} has {amount} {'more' if diff > 0 else 'fewer'} {what} than {b}"
    else:
        said = f"{a}'s {what} is {amount} {'higher' if diff > 0 else 'lower'} than {b}'s"
    return f"{said} {values}, so {ahead} is ahead"


def verdict(snapshot: Snapshot, bands: Bands | None = None) -> str:
    """A few sentences on who is ahead, in the voice of ``report.md``.

    Without bands they describe this one race (one seed); with bands they add how often A does
    better over the paired replications, and the 95 % interval of the mean gap.
    """
    a, b = snapshot.strategies
    if snapshot.week == 0:
        return "The race has not started: step or play to see who gets ahead."
    parts = [_compare(a, b, what, unit, float(snapshot.series[0][kpi][-1]),
                      float(snapshot.series[1][kpi][-1]), kpi)
             for kpi, what, unit in VERDICT_KPIS]
    when = "After" if snapshot.done else "So far, after"
    weeks = f"{snapshot.week} week{'s' if snapshot.week != 1 else ''}"
    text = f"{when} {weeks} on this seed, " + "; ".join(parts) + "."
    if bands is not None and snapshot.done:
        kpi, what, unit = VERDICT_KPIS[0]
        mean, low, high = bands.final_gap(kpi)
        share = float(bands.p_beats(kpi)[-1])
        text += (f" Over {bands.replications} paired replications the gap in {what} is "
                 f"{format_change(mean, unit)} (95% CI {format_span(low, high, unit, True)}), "
                 f"and {a} does better in {share:.0%} of them.")
    elif not snapshot.done:
        text += " One seed is one possible future: switch on the bands to see how sure this is."
    return text
