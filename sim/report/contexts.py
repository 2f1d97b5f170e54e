"""Statistics over many contexts: who wins where, by how much, and what drives the verdict.

Per context and KPI the winner is the strategy with the best mean; its margin is the paired
difference to the runner-up over replications, and the win is *clear* when the confidence
interval (:data:`sim.experiments.statistics.CONFIDENCE`) of that difference excludes zero. For
Sobol' and Morris designs the sensitivity indices of the per-context means (or of the paired
difference between two strategies, which is what moves the verdict) say which uncertainties
matter. NaN values are left out as in :mod:`sim.report.summary`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sim.engine.metrics import RUN_KPIS, RunKpi
from sim.experiments.sampling import INDICES, Sampler
from sim.experiments.statistics import CONFIDENCE, NAN
from sim.report.formats import is_number
from sim.report.summary import kpi_values, kpi_verdict

__all__ = ["KEY_COLUMNS", "by_context", "context_cells", "paired_label", "sensitivity",
           "strategies_of", "uncertainty_columns", "winners_by_context"]


_RUN = {k.name: k for k in RUN_KPIS}


KEY_COLUMNS = ("experiment", "scenario", "context", "strategy", "replication", "seed")


MINUS = " − "


def paired_label(a: str, b: str) -> str:
    """The label of the paired difference of two strategies: ``"a − b"``."""
    return f"{a}{MINUS}{b}"


def uncertainty_columns(runs: pa.Table) -> list[str]:
    """Columns of ``runs`` that are neither run keys nor run KPIs: the uncertainties."""
    return [c for c in runs.column_names if c not in KEY_COLUMNS and c not in _RUN]


def _kpi(kpi: str, runs: pa.Table) -> RunKpi:
    """The run KPI ``kpi``, checked to be known and in ``runs``."""
    if kpi not in _RUN:
        raise ValueError(f"unknown run KPI {kpi!r}; known: {', '.join(_RUN)}")
    if kpi not in runs.column_names:
        raise ValueError(f"run KPI {kpi!r} is not a column of the runs")
    return _RUN[kpi]


def strategies_of(runs: pa.Table) -> list[str]:
    """Strategy names in order of first appearance."""
    return list(dict.fromkeys(runs["strategy"].to_pylist()))


def by_context(runs: pa.Table) -> dict[int, pa.Table]:
    """The runs split by context, in context order."""
    ctx = runs["context"].to_numpy()
    order = np.argsort(ctx, kind="stable")
    ids, starts = np.unique(ctx[order], return_index=True)
    ends = [*starts[1:], order.size]
    return {int(c): runs.take(order[s:e]) for c, s, e in zip(ids, starts, ends, strict=True)}


def context_cells(table: pa.Table, axes: Sequence[tuple[str, tuple]]) -> dict[int, tuple]:
    """The grid cell (one index per axis) of each context of ``table``.

    The cell is found from the context's values in the axis columns when ``table`` has them,
    else from the context number (the first axis varies slowest, as in
    :mod:`sim.experiments.design`).
    Contexts whose values are not on the grid are left out.
    """
    shape = tuple(len(values) for _, values in axes)
    size = math.prod(shape)
    out: dict[int, tuple] = {}
    present = all(key in table.column_names for key, _ in axes)
    columns = [table[key].to_pylist() for key, _ in axes] if present else []
    for i, context in enumerate(table["context"].to_pylist()):
        if context in out:
            continue
        if present:
            cell = tuple(_index(col[i], values) for col, (_, values) in zip(columns, axes,
                                                                            strict=True))
            if None not in cell:
                out[context] = cell
        elif 0 <= context < size:
            out[context] = tuple(int(j) for j in np.unravel_index(context, shape))
    return out


def _index(value: Any, values: Sequence) -> int | None:
    """Position of ``value`` in ``values`` (numbers compared with a tolerance), or None."""
    for j, v in enumerate(values):
        if value == v or (is_number(value) and is_number(v) and math.isclose(value, v,
                                                                         abs_tol=1e-12)):
            return j
    return None


def winners_by_context(runs: pa.Table, kpi: str, strategies: list[str] | None = None) -> pa.Table:
    """Per context: the strategy with the best mean, the runner-up and the paired margin.

    Args:
        runs: One row per run (keys, uncertainty columns, run KPIs).
        kpi: A run KPI with a better side.
        strategies: Strategies to compare (default: all, in order of appearance).

    Returns:
        One row per context: ``context``, the uncertainty columns (values of the context),
        ``best``, ``runner_up`` (null when fewer than two strategies have values),
        ``best_mean``, ``runner_up_mean``, ``diff_mean``, ``diff_ci_low``, ``diff_ci_high``
        (best − runner-up, paired over replications, 95% CI), ``p_beats`` (share of pairs the
        best does better in), ``n_pairs`` and ``clear`` (the CI excludes 0).

    Raises:
        ValueError: If the KPI is unknown, missing or has no better side.
    """
    info = _kpi(kpi, runs)
    if info.better not in ("higher", "lower"):
        raise ValueError(f"KPI {kpi!r} has no better side (better={info.better!r})")
    order = list(strategies) if strategies is not None else strategies_of(runs)
    runs = runs.filter(pc.is_in(runs["strategy"], pa.array(order, pa.string())))
    keys = uncertainty_columns(runs)
    sign = -1.0 if info.better == "higher" else 1.0
    rows = []
    for context, sub in by_context(runs).items():
        values = kpi_values(sub, kpi, order)
        # Only the means rank; the strategies' own intervals are in summary.csv.
        ranked = [{"strategy": s, "mean": float(np.mean(list(v.values()))), "ci_low": NAN,
                   "ci_high": NAN} for s, v in values.items() if v]
        ranked.sort(key=lambda r: sign * r["mean"])
        v = kpi_verdict(info, ranked, values) if ranked else {
            "best": None, "best_mean": NAN, "runner_up": None, "runner_up_mean": NAN,
            "diff_mean": NAN, "diff_ci_low": NAN, "diff_ci_high": NAN, "p_beats": NAN,
            "n_pairs": 0, "clear": False}
        rows.append({"context": context, **{k: sub[k][0].as_py() for k in keys},
                     **{k: v[k] for k in ("best", "runner_up", "best_mean", "runner_up_mean",
                                          "diff_mean", "diff_ci_low", "diff_ci_high",
                                          "p_beats", "n_pairs", "clear")}})
    schema = pa.schema(
        [("context", pa.int64()), *(runs.schema.field(k) for k in keys),
         ("best", pa.string()), ("runner_up", pa.string())]
        + [(c, pa.float64()) for c in ("best_mean", "runner_up_mean", "diff_mean",
                                       "diff_ci_low", "diff_ci_high", "p_beats")]
        + [("n_pairs", pa.int64()), ("clear", pa.bool_())])
    return pa.Table.from_pylist(rows, schema=schema)


def _grid(runs: pa.Table, kpi: str, strategy: str, n: int) -> np.ndarray:
    """Values of one strategy as a (context, replication) array; NaN where missing."""
    reps = np.unique(runs["replication"].to_numpy())
    sub = runs.filter(pc.equal(runs["strategy"], strategy))
    ctx = sub["context"].to_numpy()
    rep = np.searchsorted(reps, sub["replication"].to_numpy())
    grid = np.full((n, reps.size), NAN)
    ok = (ctx >= 0) & (ctx < n)
    grid[ctx[ok], rep[ok]] = sub[kpi].to_numpy().astype(np.float64)[ok]
    return grid


def _row_means(grid: np.ndarray) -> np.ndarray:
    """Mean of each row over its finite values; NaN for a row without any."""
    finite = np.isfinite(grid)
    count = finite.sum(axis=1)
    total = np.where(finite, grid, 0.0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), NAN)


def sensitivity(runs: pa.Table, kpi: str, sampler: Sampler, design_matrix: np.ndarray,
                strategy: str, minus: str | None = None) -> pa.Table:
    """Sobol' or Morris sensitivity indices of a strategy's per-context mean of a KPI.

    ``Y`` is, in context order, the mean over replications of the KPI for ``strategy``; with
    ``minus`` it is the mean of the paired differences ``strategy − minus`` instead
    (replications where either value is NaN left out).

    Args:
        runs: One row per run; contexts are numbered 0..n-1 like the rows of ``design_matrix``.
        kpi: A run KPI.
        sampler: The design's sampler (its problem and its analysis).
        design_matrix: The raw design, shape ``(n_contexts, num_vars)``.
        strategy: A strategy name.
        minus: Another strategy, to explain the paired difference of the two.

    Returns:
        One row per uncertainty: ``kpi``, ``strategy`` (``"A − B"`` for a difference, see
        :func:`paired_label`), ``name`` and the design's indices
        (:data:`sim.experiments.sampling.INDICES`). The indices are NaN when a context has no
        value (SALib needs all of them) or, for Sobol', when ``Y`` is constant.

    Raises:
        ValueError: For a design without indices, an unknown strategy, or a design that does
            not fit.
    """
    if not sampler.analysable:
        raise ValueError(f"sensitivity needs a sobol or morris design, not {sampler.design!r}")
    _kpi(kpi, runs)
    x = np.asarray(design_matrix, dtype=np.float64)
    present = strategies_of(runs)
    for name in (strategy, minus):
        if name is not None and name not in present:
            raise ValueError(f"unknown strategy {name!r}; strategies: {', '.join(present)}")
    grid = _grid(runs, kpi, strategy, x.shape[0])
    if minus is not None:
        grid = grid - _grid(runs, kpi, minus, x.shape[0])
    found = sampler.analyse(x, _row_means(grid), CONFIDENCE)
    names = list(sampler.names)
    label = paired_label(strategy, minus) if minus is not None else strategy
    return pa.table({"kpi": pa.array([kpi] * len(names), pa.string()),
                     "strategy": pa.array([label] * len(names), pa.string()),
                     "name": pa.array(names, pa.string()),
                     **{c: pa.array(found[c], pa.float64()) for c in INDICES[sampler.design]}})
