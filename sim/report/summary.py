"""Summary statistics of a strategy comparison, and writing its report folder.

Strategies run on common random numbers: replication ``r`` of every strategy uses the same seed.
Differences between strategies are therefore paired on (context, replication), which removes the
run-to-run luck they share; the unpaired (Welch) interval is kept next to the paired one to show
what pairing gained. Values that are NaN (e.g. a silo index without exchanges) are left out, and a
pair is left out of a difference when either of its values is NaN. Every interval is clipped to
the values its KPI can take (:attr:`sim.engine.metrics.RunKpi.bounds`), an interval of a
difference to the differences it can take: a share's interval never reaches below 0.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from sim.engine.metrics import HEADLINE_KPIS, RUN_KPIS, RunKpi
from sim.experiments.results import atomic_write
from sim.experiments.statistics import (
    NAN,
    clip_interval,
    difference_bounds,
    share_better,
    t_interval,
    welch_interval,
)

__all__ = ["beats_matrix", "context_runs", "kpi_values", "kpi_verdict", "paired_values",
           "summarise", "verdicts", "write_summary_csv"]


_RUN = {k.name: k for k in RUN_KPIS}
_COMPARISON = ("diff_mean", "diff_sd", "diff_ci_low", "diff_ci_high", "p_beats_reference",
               "unpaired_ci_low", "unpaired_ci_high")
SUMMARY_SCHEMA = pa.schema(
    [("context", pa.int64()), ("kpi", pa.string()), ("label", pa.string()),
     ("better", pa.string()), ("strategy", pa.string()), ("n", pa.int64())]
    + [(name, pa.float64()) for name in ("mean", "sd", "ci_low", "ci_high", *_COMPARISON)])


# ----------------------------------------------------------------------------- data access


def context_runs(runs: pa.Table, context: int) -> pa.Table:
    """The runs of one context."""
    return runs.filter(pc.equal(runs["context"], context))


def kpi_values(runs: pa.Table, kpi: str,
            order: list[str] | None = None) -> dict[str, dict[int, float]]:
    """``{strategy: {replication: value}}`` of one KPI (one context), NaN and nulls left out.

    Raises:
        ValueError: If a (strategy, replication) occurs twice.
    """
    strategies = runs["strategy"].to_pylist()
    present = set(strategies)
    out: dict[str, dict[int, float]] = {s: {} for s in (order or strategies) if s in present}
    seen: set[tuple[str, int]] = set()
    values = runs[kpi].to_numpy().astype(np.float64)
    for strategy, rep, value in zip(strategies, runs["replication"].to_pylist(), values,
                                    strict=True):
        if (strategy, rep) in seen:
            raise ValueError(f"duplicate run: strategy {strategy!r}, replication {rep}")
        seen.add((strategy, rep))
        if not math.isnan(value):
            out[strategy][rep] = float(value)
    return out


def paired_values(a: dict[int, float], b: dict[int, float]) -> np.ndarray:
    """Differences ``a - b`` over the replications both have, in replication order."""
    return np.array([a[r] - b[r] for r in sorted(a.keys() & b.keys())], dtype=np.float64)


# ----------------------------------------------------------------------------- public API


def summarise(runs: pa.Table, reference: str) -> pa.Table:
    """Per context, KPI and strategy: mean, sd, 95% CI, and the paired comparison to ``reference``.

    Each interval is clipped to the KPI's bounds (those of a difference for the comparison's).

    Args:
        runs: One row per run: context, strategy, replication and a column per run KPI.
        reference: Strategy that every other one is compared with, paired on replication.

    Returns:
        A long table with the columns of :data:`SUMMARY_SCHEMA`. Comparison columns are NaN in
        the reference's own rows; ``p_beats_reference`` is NaN for KPIs without a better side.

    Raises:
        ValueError: If ``reference`` is missing from a context, or a run occurs twice.
    """
    order = list(dict.fromkeys(runs["strategy"].to_pylist()))
    kpis = [k for k in RUN_KPIS if k.name in runs.column_names]
    rows = []
    for context in sorted(set(runs["context"].to_pylist())):
        sub = context_runs(runs, context)
        if reference not in sub["strategy"].to_pylist():
            raise ValueError(f"reference strategy {reference!r} is not in context {context}; "
                             f"strategies: {', '.join(order)}")
        for kpi in kpis:
            values = kpi_values(sub, kpi.name, order)
            for strategy, vals in values.items():
                row = {"context": context, "kpi": kpi.name, "label": kpi.label,
                       "better": kpi.better, "strategy": strategy}
                rows.append(row | _describe(vals, values[reference], kpi,
                                            strategy == reference))
    return pa.Table.from_pylist(rows, schema=SUMMARY_SCHEMA)


def _describe(values: dict[int, float], ref: dict[int, float], kpi: RunKpi,
              is_reference: bool) -> dict[str, float]:
    """Statistics of one strategy's values and, unless it is the reference, the comparison.

    The intervals are clipped to the KPI's bounds, the comparison's to those of a difference.
    """
    x = np.array(list(values.values()), dtype=np.float64)
    mean, sd, low, high = t_interval(x)
    low, high = clip_interval(low, high, kpi.bounds)
    row = {"n": int(x.size), "mean": mean, "sd": sd, "ci_low": low, "ci_high": high}
    if is_reference:
        return row | dict.fromkeys(_COMPARISON, NAN)
    between = difference_bounds(kpi.bounds)
    diff = paired_values(values, ref)
    d_mean, d_sd, d_low, d_high = t_interval(diff)
    d_low, d_high = clip_interval(d_low, d_high, between)
    u_low, u_high = clip_interval(*welch_interval(x, np.array(list(ref.values()))), between)
    return row | {"diff_mean": d_mean, "diff_sd": d_sd, "diff_ci_low": d_low,
                  "diff_ci_high": d_high, "p_beats_reference": share_better(diff, kpi.better),
                  "unpaired_ci_low": u_low, "unpaired_ci_high": u_high}


def beats_matrix(runs: pa.Table, kpi: str, context: int = 0) -> tuple[list[str], np.ndarray]:
    """P(row strategy beats column strategy) over paired replications; ties count one half.

    Args:
        runs: One row per run.
        kpi: A run KPI with a better side.
        context: Context to compare in.

    Returns:
        Strategy names and the square matrix (0.5 on the diagonal, NaN without common pairs).

    Raises:
        ValueError: If the KPI is unknown or has no better side.
    """
    if kpi not in _RUN:
        raise ValueError(f"unknown run KPI {kpi!r}; known: {', '.join(_RUN)}")
    info = _RUN[kpi]
    if info.better not in ("higher", "lower"):
        raise ValueError(f"KPI {kpi!r} has no better side (better={info.better!r})")
    values = kpi_values(context_runs(runs, context), kpi)
    names = list(values)
    matrix = [[share_better(paired_values(values[a], values[b]), info.better) for b in names]
              for a in names]
    return names, np.array(matrix, dtype=np.float64).reshape(len(names), len(names))


def verdicts(summary: pa.Table, runs: pa.Table, context: int = 0) -> list[dict[str, Any]]:
    """For each headline KPI: the best strategy by mean, the runner-up and how sure we are.

    The verdicts come in the order of :data:`~sim.engine.metrics.HEADLINE_KPIS`: knowledge and
    error rate, contribution, then voluntary reach and its speed. KPIs that count compulsory
    enrolment as reach are not headline KPIs, so no strategy wins a verdict by enrolling people.

    Args:
        summary: Output of :func:`summarise`.
        runs: The runs the summary came from (for the paired best - runner-up difference).
        context: Context to judge.

    Returns:
        One dict per headline KPI with ``kpi, label, unit, better, best, best_mean, best_ci_low,
        best_ci_high, runner_up`` (None with a single strategy) ``, runner_up_mean,
        runner_up_ci_low, runner_up_ci_high, diff_mean, diff_ci_low, diff_ci_high`` (best -
        runner-up), ``p_beats, wins, ties, n_pairs`` and ``clear`` (the CI excludes 0).
    """
    rows = [r for r in summary.to_pylist() if r["context"] == context]
    sub = context_runs(runs, context)
    out = []
    for kpi in HEADLINE_KPIS:
        if kpi.better not in ("higher", "lower"):
            continue
        sign = -1.0 if kpi.better == "higher" else 1.0
        ranked = sorted((r for r in rows if r["kpi"] == kpi.name and math.isfinite(r["mean"])),
                        key=lambda r, s=sign: s * r["mean"])
        if ranked:
            out.append(kpi_verdict(kpi, ranked, kpi_values(sub, kpi.name)))
    return out


def kpi_verdict(kpi: RunKpi, ranked: list[dict], values: dict[str, dict[int, float]]) -> dict:
    """The verdict on one KPI from its strategies' summary rows, best first.

    The interval of the paired difference best - runner-up is clipped to the differences the KPI
    can take (:func:`~sim.experiments.statistics.difference_bounds` of its bounds).
    """
    best = ranked[0]
    verdict = {"kpi": kpi.name, "label": kpi.label, "unit": kpi.unit, "better": kpi.better,
               "best": best["strategy"], "best_mean": best["mean"],
               "best_ci_low": best["ci_low"], "best_ci_high": best["ci_high"],
               "runner_up": None, "runner_up_mean": NAN, "runner_up_ci_low": NAN,
               "runner_up_ci_high": NAN, "diff_mean": NAN, "diff_ci_low": NAN,
               "diff_ci_high": NAN, "p_beats": NAN, "wins": 0, "ties": 0, "n_pairs": 0,
               "clear": False}
    if len(ranked) < 2:
        return verdict
    second = ranked[1]
    diff = paired_values(values[best["strategy"]], values[second["strategy"]])
    mean, _, low, high = t_interval(diff)
    low, high = clip_interval(low, high, difference_bounds(kpi.bounds))
    signed = diff if kpi.better == "higher" else -diff
    return verdict | {
        "runner_up": second["strategy"], "runner_up_mean": second["mean"],
        "runner_up_ci_low": second["ci_low"], "runner_up_ci_high": second["ci_high"],
        "diff_mean": mean, "diff_ci_low": low, "diff_ci_high": high,
        "p_beats": share_better(diff, kpi.better), "wins": int((signed > 0).sum()),
        "ties": int((signed == 0).sum()), "n_pairs": int(diff.size),
        "clear": bool(math.isfinite(low) and (low > 0 or high < 0)),
    }


def write_summary_csv(summary: pa.Table, path: Path) -> Path:
    """Write the summary table as CSV (atomically); NaN is written as ``nan``."""
    atomic_write(path, lambda p: pacsv.write_csv(summary, p))
    return path
