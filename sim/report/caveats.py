"""What makes a verdict say little: a start that is already high, and KPIs that cannot differ.

:func:`caveats` looks at the runs and weekly records of a results folder and returns plain
sentences for the report (and the command line) when

* at week 0, before any strategy acts, a large share of the organisation already participates
  (the unofficial groups cover it), so reach and speed say little about the strategies;
* a judged KPI is *degenerate*: every run has the same value, every strategy has the same value
  as the others in every replication, or — for the "weeks to X%" KPIs — every run is censored
  (no run gets there within the simulated weeks) or every run gets there at week 0.

In an experiment of several contexts a caveat says in how many contexts it holds.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sim.engine.metrics import RUN_KPIS
from sim.experiments.manifest import Manifest
from sim.report.formats import percent

__all__ = ["HIGH_START", "caveats", "caveats_section"]

HIGH_START = 0.2
"""Share participating at week 0 from which the start is called high."""

_RUN = {k.name: k for k in RUN_KPIS}
_SPEED = {"time_to_50": 0.5, "time_to_80": 0.8, "time_to_50_voluntary": 0.5}
"""KPIs that are the first week a share is reached, censored at steps + 1, and that share."""


def caveats(runs: pa.Table, timeseries: pa.Table, manifest: Manifest) -> list[str]:
    """Sentences on what limits the verdict, most important first; ``[]`` when nothing does.

    Args:
        runs: One row per run (``context``, ``strategy``, ``replication`` and the run KPIs).
        timeseries: One row per run and week (``step``, ``participating_share``, ...).
        manifest: The folder's manifest (its KPIs, weeks and organisation).
    """
    contexts = sorted(set(runs.column("context").to_pylist())) if runs.num_rows else []
    out = _high_start(timeseries, manifest, contexts)
    for kpi in manifest.kpis:
        if kpi in runs.column_names:
            out.extend(_degenerate(runs, kpi, manifest.steps, contexts))
    return out


def caveats_section(lines: Iterable[str]) -> str:
    """The report's ``## Caveats`` section, one bullet per sentence; ``""`` for none."""
    lines = list(lines)
    return "## Caveats\n\n" + "\n".join(f"- {line}" for line in lines) if lines else ""


def _where(hits: int, contexts: Iterable[int]) -> str:
    """``in 3 of 12 contexts, `` for a sweep, ``""`` for one context."""
    total = len(list(contexts))
    return "" if total == 1 else ("in every context, " if hits == total
                                  else f"in {hits} of {total} contexts, ")


def _high_start(timeseries: pa.Table, manifest: Manifest, contexts: list[int]) -> list[str]:
    if "participating_share" not in timeseries.column_names or not timeseries.num_rows:
        return []
    start = timeseries.filter(pc.equal(timeseries["step"], 0))
    shares = []
    for c in contexts:
        values = start.filter(pc.equal(start["context"], c))["participating_share"]
        if len(values):
            shares.append(float(np.mean(values.to_numpy(zero_copy_only=False))))
    high = [s for s in shares if s >= HIGH_START]
    if not high:
        return []
    org = manifest.parameters.get("org", {})
    groups = org.get("unofficial_groups")
    cause = (f" (its {groups} unofficial groups of {org.get('unofficial_group_size_min')}–"
             f"{org.get('unofficial_group_size_max')} people among "
             f"{org.get('employees'):,} employees)" if groups else "")
    where = _where(len(high), contexts).removesuffix(", ")
    return [f"At week 0, before any strategy acts, {percent(max(high))} of the organisation "
            f"already participates{cause}{' ' + where if where else ''}, so reach and speed "
            "say little about the strategies; lower org.unofficial_groups (left out, it "
            "scales with the organisation's size)."]


def _degenerate(runs: pa.Table, kpi: str, steps: int, contexts: list[int]) -> list[str]:
    """The caveats of one KPI: the same value everywhere, or a speed no run shows."""
    label = _RUN[kpi].label if kpi in _RUN else kpi
    counts = {"censored": 0, "at_start": 0, "constant": 0, "tied": 0}
    for c in contexts:
        sub = runs.filter(pc.equal(runs["context"], c))
        values = sub[kpi].to_numpy(zero_copy_only=False).astype(float)
        values = values[np.isfinite(values)]
        if not values.size:
            continue
        if kpi in _SPEED and (values == steps + 1).all():
            counts["censored"] += 1
        elif kpi in _SPEED and (values == 0).all():
            counts["at_start"] += 1
        elif (values == values[0]).all():
            counts["constant"] += 1
        elif _tied(sub, kpi):
            counts["tied"] += 1
    out = []
    if counts["censored"]:
        out.append(f"{label}: {_where(counts['censored'], contexts)}no run gets to "
                   f"{percent(_SPEED[kpi])} within {steps} weeks (every run is censored at "
                   f"{steps + 1}), so this KPI cannot rank the strategies.")
    if counts["at_start"]:
        out.append(f"{label}: {_where(counts['at_start'], contexts)}every run is there at "
                   "week 0, before any strategy acts, so this KPI cannot rank the strategies.")
    if counts["constant"]:
        out.append(f"{label}: {_where(counts['constant'], contexts)}every run has the same "
                   "value, so this KPI cannot rank the strategies.")
    if counts["tied"]:
        out.append(f"{label}: {_where(counts['tied'], contexts)}every strategy has the same "
                   "value as the others in every replication.")
    return out


def _tied(runs: pa.Table, kpi: str) -> bool:
    """Whether every strategy has the same value in each replication (and there are two)."""
    by_replication: dict[int, set[float]] = {}
    strategies = set(runs.column("strategy").to_pylist())
    if len(strategies) < 2:
        return False
    for rep, value in zip(runs["replication"].to_pylist(), runs[kpi].to_pylist(), strict=True):
        by_replication.setdefault(rep, set()).add(value)
    return all(len(v) == 1 for v in by_replication.values())
