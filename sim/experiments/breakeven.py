"""Break-even values: where, between two values of one parameter, the verdict changes sign.

After the runs of a robustness design (:mod:`sim.experiments.design`), every parameter whose
range holds a change of verdict on a KPI — a clear winner at one end and the other at the other
end, or at an end against the scenario's — is searched by bisection: the paired difference
``A − B`` of the contrast is measured at the midpoint of the bracket (the same replications and
seeds, the other parameters at the scenario's values), and the bracket keeps the half whose ends
disagree, :data:`BISECTION_STEPS` times. The estimate is the last bracket's midpoint; its
interval is the narrowest span of measured values (bracket ends included) outside which the
winner is clear at 95 % on each side: between them the verdict is not clear.

Each probe is a context of its own (numbered after the design's), run through the experiment's
executor and store like any run, so an interrupted search resumes where it stopped and the same
seeds give the same probes serially, in processes or on Dask.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from sim.engine.params import lookup
from sim.engine.rng import derive_seed
from sim.experiments.design import Experiment
from sim.experiments.robustness import End, estimate, paired, tornado
from sim.experiments.tasks import RunTask

__all__ = ["BISECTION_STEPS", "BreakEven", "breakeven_table", "search"]

BISECTION_STEPS = 5
"""Midpoints measured per break-even: the bracket shrinks to 1/32 of its width."""


@dataclass(frozen=True)
class BreakEven:
    """The break-even value of one parameter on one KPI, with the probes that found it.

    Attributes:
        kpi: The run KPI.
        key: The parameter.
        start: The value the search started from (one clear winner).
        end: The value with the other clear winner.
        probes: The measured paired differences, in the order they were measured.
        value: The estimate (the last bracket's midpoint).
        low: The interval's lower end.
        high: The interval's upper end.
    """

    kpi: str
    key: str
    start: End
    end: End
    probes: tuple[End, ...]
    value: float
    low: float
    high: float


def _sign(end: End) -> float:
    return math.copysign(1.0, end.mean)


def brackets(experiment: Experiment, runs: pa.Table, contexts: list[dict]) -> list[
        tuple[str, str, End, End]]:
    """``(kpi, key, start, end)`` of every change of verdict the design's runs show."""
    if experiment.contrast is None:
        return []
    a, b = experiment.contrast
    found = []
    for kpi in experiment.kpis:
        base, bars = tornado(runs, contexts, kpi, a, b)
        for bar in sorted(bars, key=lambda bar: bar.key):
            base_end = End(float(experiment.base[bar.key]), base.mean, base.low, base.high,
                           base.n)
            against = bar.against(base)
            if against:  # from the scenario's value to each end with the other winner
                found += [(kpi, bar.key, base_end, end) for end in against]
            elif bar.flips:  # no clear winner in the scenario: from one end to the other
                found.append((kpi, bar.key, bar.low, bar.high))
    return found


def search(experiment: Experiment, runs: pa.Table, contexts: list[dict],
           run_batch: Callable[[list[RunTask]], pa.Table], steps: int = BISECTION_STEPS,
           replications: int | None = None) -> list[BreakEven]:
    """Find the break-even value of every change of verdict, by bisection.

    Args:
        experiment: A robustness experiment with a contrast.
        runs: The runs of its design.
        contexts: Its design's contexts.
        run_batch: Runs tasks (skipping stored ones) and returns their runs.
        steps: Midpoints per break-even.
        replications: Only the first ``replications`` replications (as the design's runs).
    """
    a, b = experiment.contrast or ("", "")
    out, next_context = [], len(contexts)
    for kpi, key, start, end in brackets(experiment, runs, contexts):
        integer = lookup(key, str(experiment.path)).kind is int
        near, far, probes = start, end, []
        for _ in range(steps):
            mid = (near.value + far.value) / 2
            if integer:
                mid = float(round(mid))
                if mid in (near.value, far.value):
                    break
            tasks = _probe_tasks(experiment, next_context, {key: int(mid) if integer else mid},
                                 replications)
            probe = estimate(paired(run_batch(tasks), kpi, next_context, a, b), mid, kpi)
            next_context += 1
            probes.append(probe)
            if math.isnan(probe.mean) or _sign(probe) == _sign(start):
                near = probe
            else:
                far = probe
        value = (near.value + far.value) / 2
        low, high = _interval(start, end, probes)
        out.append(BreakEven(kpi, key, start, end, tuple(probes), value, low, high))
    return out


def _probe_tasks(experiment: Experiment, context: int, values: dict,
                 replications: int | None) -> list[RunTask]:
    """The runs of one probe: every policy and replication, on the design's shared seeds."""
    source, tasks = str(experiment.path), []
    count = min(experiment.replications, replications or experiment.replications)
    for label, lever in experiment.policies():
        params = experiment.base.replace({**values, **lever}, source)
        for r in range(count):
            seed = derive_seed(experiment.seed, 0, r)
            tasks.append(RunTask(experiment.name, experiment.base.scenario.name, context,
                                 label, r, seed, params.replace({"run.seed": seed},
                                                                source).values))
    return tasks


def _interval(start: End, end: End, probes: list[End]) -> tuple[float, float]:
    """The narrowest span, ``(lower, upper)``, with a clear winner beyond each end."""
    side = _sign(start)
    toward = np.sign(end.value - start.value)
    measured = [start, end, *probes]
    clear_start = [p.value for p in measured if not p.includes_zero and _sign(p) == side]
    clear_end = [p.value for p in measured if not p.includes_zero and _sign(p) != side]
    near = max(clear_start, key=lambda v: toward * v)
    far = min(clear_end, key=lambda v: toward * v)
    return min(near, far), max(near, far)


def breakeven_table(found: list[BreakEven], contrast: tuple[str, str]) -> pa.Table:
    """The break-even values (``breakeven.csv``), one row each, with their probes."""
    a, b = contrast
    return pa.Table.from_pylist([{
        "kpi": f.kpi, "a": a, "b": b, "parameter": f.key, "start_value": f.start.value,
        "start_diff": f.start.mean, "end_value": f.end.value, "end_diff": f.end.mean,
        "breakeven": f.value, "interval_low": f.low, "interval_high": f.high,
        "probes": "; ".join(f"{p.value:g}: {p.mean:+.4g} [{p.low:+.4g}, {p.high:+.4g}]"
                            for p in f.probes)} for f in found],
        schema=pa.schema([("kpi", pa.string()), ("a", pa.string()), ("b", pa.string()),
                          ("parameter", pa.string()), ("start_value", pa.float64()),
                          ("start_diff", pa.float64()), ("end_value", pa.float64()),
                          ("end_diff", pa.float64()), ("breakeven", pa.float64()),
                          ("interval_low", pa.float64()), ("interval_high", pa.float64()),
                          ("probes", pa.string())]))
