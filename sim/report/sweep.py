"""Report of a sweep: which strategy wins where over a design of contexts, and what drives it.

A sweep runs every strategy in every context (a point of a design over uncertain parameters) and
replication, on common random numbers. Per context and KPI the winner is the strategy with the
best mean; its margin is the paired difference to the runner-up over replications, and the win is
*clear* when the 95% CI of that difference excludes zero. For Sobol' and Morris designs the
sensitivity indices of the per-context means (and of the paired difference between two
strategies, which is what moves the verdict) say which uncertainties matter. NaN values are left
out as in :mod:`sim.report.summary`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from sim.engine.metrics import RUN_KPIS, RunKpi
from sim.experiments.results import atomic_write
from sim.report.statistics import CONFIDENCE_TEXT
from sim.report.summary import kpi_values, kpi_verdict, summarise, write_summary_csv
from sim.report.text import (
    common_seeds,
    dig,
    format_change,
    format_number,
    format_span,
    markdown_table,
)

__all__ = ["KEY_COLUMNS", "MAX_ROWS", "context_cells", "format_level", "is_number", "margin",
           "paired_label", "sensitivity",
           "uncertainty_columns", "winners_by_context", "write_sweep_report"]

KEY_COLUMNS = ("experiment", "scenario", "context", "strategy", "replication", "seed")
MAX_ROWS = 30
MINUS = " − "
NAN = float("nan")
_RUN = {k.name: k for k in RUN_KPIS}
_INDICES = {"sobol": ("S1", "S1_conf", "ST", "ST_conf"),
            "morris": ("mu", "mu_star", "sigma", "mu_star_conf")}
_NO_CLEAR = "— (no clear winner)"


# ----------------------------------------------------------------------------- helpers


def paired_label(a: str, b: str) -> str:
    """The label of the paired difference of two strategies: ``"a − b"``."""
    return f"{a}{MINUS}{b}"


def uncertainty_columns(runs: pa.Table) -> list[str]:
    """Columns of ``runs`` that are neither run keys nor run KPIs: the uncertainties."""
    return [c for c in runs.column_names if c not in KEY_COLUMNS and c not in _RUN]


def margin(x: float, unit: str) -> str:
    """A short signed margin: ``+8.3 pts``, ``-3.2 weeks``, ``+0.120``."""
    return format_change(x, unit).replace(" points", " pts")


def format_level(value: Any) -> str:
    """A parameter value for text: floats with up to 4 significant digits."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def is_number(value: Any) -> bool:
    """Whether a value is a finite real number (booleans are not)."""
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _kpi(kpi: str, runs: pa.Table) -> RunKpi:
    """The run KPI ``kpi``, checked to be known and in ``runs``."""
    if kpi not in _RUN:
        raise ValueError(f"unknown run KPI {kpi!r}; known: {', '.join(_RUN)}")
    if kpi not in runs.column_names:
        raise ValueError(f"run KPI {kpi!r} is not a column of the runs")
    return _RUN[kpi]


def _strategies(runs: pa.Table) -> list[str]:
    """Strategy names in order of first appearance."""
    return list(dict.fromkeys(runs["strategy"].to_pylist()))


def _by_context(runs: pa.Table) -> dict[int, pa.Table]:
    """The runs split by context, in context order."""
    ctx = runs["context"].to_numpy()
    order = np.argsort(ctx, kind="stable")
    ids, starts = np.unique(ctx[order], return_index=True)
    ends = [*starts[1:], order.size]
    return {int(c): runs.take(order[s:e]) for c, s, e in zip(ids, starts, ends, strict=True)}


def context_cells(table: pa.Table, axes: Sequence[tuple[str, tuple]]) -> dict[int, tuple]:
    """The grid cell (one index per axis) of each context of ``table``.

    The cell is found from the context's values in the axis columns when ``table`` has them,
    else from the context number (the first axis varies slowest, as in :mod:`sim.experiments.design`).
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


# ----------------------------------------------------------------------------- statistics


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
    order = list(strategies) if strategies is not None else _strategies(runs)
    runs = runs.filter(pc.is_in(runs["strategy"], pa.array(order, pa.string())))
    keys = uncertainty_columns(runs)
    sign = -1.0 if info.better == "higher" else 1.0
    rows = []
    for context, sub in _by_context(runs).items():
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


def sensitivity(runs: pa.Table, kpi: str, strategy: str, design: str, problem: dict,
                design_matrix: np.ndarray) -> pa.Table:
    """Sobol' or Morris sensitivity indices of a strategy's per-context mean of a KPI.

    ``Y`` is, in context order, the mean over replications of the KPI for ``strategy``; when
    ``strategy`` is a paired label ``"A − B"`` (see :func:`paired_label`) it is the mean of the
    paired differences A − B instead (replications where either value is NaN left out).

    Args:
        runs: One row per run; contexts are numbered 0..n-1 like the rows of ``design_matrix``.
        kpi: A run KPI.
        strategy: A strategy name, or ``"A − B"``.
        design: ``"sobol"`` or ``"morris"``.
        problem: The SALib problem ``{"num_vars", "names", "bounds"}``.
        design_matrix: The raw design, shape ``(n_contexts, num_vars)``.

    Returns:
        One row per uncertainty: ``kpi``, ``strategy``, ``name`` and ``S1, S1_conf, ST, ST_conf``
        (sobol) or ``mu, mu_star, sigma, mu_star_conf`` (morris). The indices are NaN when a
        context has no value (SALib needs all of them) or, for Sobol', when ``Y`` is constant.

    Raises:
        ValueError: For another design, an unknown strategy, or a design that does not fit.
    """
    if design not in _INDICES:
        raise ValueError(f"sensitivity needs a sobol or morris design, not {design!r}")
    _kpi(kpi, runs)
    x = np.asarray(design_matrix, dtype=np.float64)
    present = _strategies(runs)
    if strategy in present:
        y = _row_means(_grid(runs, kpi, strategy, x.shape[0]))
    elif MINUS in strategy and all(s in present for s in strategy.split(MINUS, 1)):
        a, b = strategy.split(MINUS, 1)
        y = _row_means(_grid(runs, kpi, a, x.shape[0]) - _grid(runs, kpi, b, x.shape[0]))
    else:
        raise ValueError(f"unknown strategy {strategy!r}; strategies: {', '.join(present)}")
    names = list(problem["names"])
    columns = _INDICES[design]
    result = {c: np.full(len(names), NAN) for c in columns}
    if y.size and np.all(np.isfinite(y)):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            if design == "sobol":
                from SALib.analyze import sobol

                # Not seed=0: SALib 1.6 tests ``if seed:`` and would resample with the global,
                # unseeded numpy RNG, so the confidence intervals would change between runs.
                found = sobol.analyze(problem, y, calc_second_order=False,
                                      print_to_console=False, seed=1)
            else:
                from SALib.analyze import morris

                found = morris.analyze(problem, x, y, num_levels=4, print_to_console=False,
                                       seed=0)
        result = {c: np.asarray(found[c], dtype=np.float64) for c in columns}
    return pa.table({"kpi": pa.array([kpi] * len(names), pa.string()),
                     "strategy": pa.array([strategy] * len(names), pa.string()),
                     "name": pa.array(names, pa.string()),
                     **{c: pa.array(result[c], pa.float64()) for c in columns}})


# ----------------------------------------------------------------------------- report folder


def _pair(strategies: list[str], reference: str) -> tuple[str, str] | None:
    """The pair whose difference the sensitivity looks at: (first other strategy, reference).

    The first two strategies when the reference is not among them; None with fewer than two.
    """
    others = [s for s in strategies if s != reference]
    if reference in strategies and others:
        return others[0], reference
    return (strategies[0], strategies[1]) if len(strategies) >= 2 else None


def _write_csv(table: pa.Table, path: Path) -> Path:
    """Write a table as CSV, atomically."""
    atomic_write(path, lambda p: pacsv.write_csv(table, p))
    return path


def write_sweep_report(runs: pa.Table, timeseries: pa.Table, manifest: dict, out_dir: Path, *,
                       reference: str, kpis: list[str], design: str,
                       axes: list[tuple[str, tuple]], problem: dict | None = None,
                       design_matrix: np.ndarray | None = None) -> dict[str, Path]:
    """Write the report folder of a sweep.

    Writes ``summary.csv`` (:func:`sim.report.summary.summarise` over all contexts), ``winners.csv``
    (:func:`winners_by_context` per KPI), for Sobol' and Morris designs ``sensitivity.csv``,
    ``figures/*.png`` and ``report.md``.

    Args:
        runs: One row per run.
        timeseries: One row per run and week (not used for sweeps).
        manifest: The results folder's manifest (missing keys are tolerated).
        out_dir: The results folder.
        reference: Strategy the others are compared with in ``summary.csv``.
        kpis: Run KPIs to report on.
        design: ``"grid"``, ``"lhs"``, ``"sobol"`` or ``"morris"``.
        axes: For a grid, its keys and values in declared order; ``[]`` otherwise.
        problem: The SALib problem of a Sobol' or Morris design.
        design_matrix: The raw design, row ``i`` = context ``i``.

    Returns:
        Paths by name: ``summary``, ``winners``, ``sensitivity`` (if written), one per figure
        (``phase_diagram``, ``sweep_lines`` or ``sensitivity_figure``) and ``report``.
    """
    del timeseries
    out_dir.mkdir(parents=True, exist_ok=True)
    strategies = _strategies(runs)
    summary = summarise(runs, reference)
    paths = {"summary": write_summary_csv(summary, out_dir / "summary.csv")}
    present = [k for k in dict.fromkeys(kpis) if k in _RUN and k in runs.column_names]
    winners = {k: winners_by_context(runs, k, strategies) for k in present
               if _RUN[k].better in ("higher", "lower")}
    if winners:
        paths["winners"] = _write_csv(pa.concat_tables(
            [t.add_column(0, "kpi", pa.array([k] * t.num_rows, pa.string()))
             for k, t in winners.items()]), out_dir / "winners.csv")
    pair = _pair(strategies, reference)
    sens = None
    if design in _INDICES and problem is not None and design_matrix is not None:
        labels = ([paired_label(*pair)] if pair else []) + strategies
        sens = pa.concat_tables([sensitivity(runs, k, s, design, problem, design_matrix)
                                 for k in present for s in labels])
        paths["sensitivity"] = _write_csv(sens, out_dir / "sensitivity.csv")
    from sim.report import sweep_figures

    figures = sweep_figures.make_sweep_figures(
        runs, summary, winners, out_dir / "figures", design=design, axes=axes,
        strategies=strategies, kpis=present, sens=sens,
        label=paired_label(*pair) if pair else (strategies[0] if strategies else ""))
    paths |= figures
    text = _render(runs, manifest, reference=reference, kpis=kpis, design=design, axes=axes,
                   problem=problem, winners=winners, sens=sens, pair=pair, figures=figures)
    report = out_dir / "report.md"
    atomic_write(report, lambda p: p.write_text(text, encoding="utf-8"))
    paths["report"] = report
    return paths


# ----------------------------------------------------------------------------- report text


def _amount(x: float, unit: str) -> str:
    """An unsigned amount in its unit: ``8.3 pts``, ``3.2 weeks``, ``0.120``."""
    text = format_number(x, unit)
    return text + {"share": " pts", "weeks": " weeks"}.get(unit, "") if text != "n/a" else text


def _cell(row: dict | None, unit: str) -> str:
    """A grid cell: ``best +8.3 pts``, ``— (no clear winner)``, or ``n/a`` without values."""
    if row is None or row["best"] is None:
        return "n/a"
    if row["runner_up"] is None:
        return f"{row['best']} (only one with values)"
    return f"{row['best']} {margin(row['diff_mean'], unit)}" if row["clear"] else _NO_CLEAR


def _grid_table(table: pa.Table, axes: Sequence[tuple[str, tuple]], unit: str) -> str:
    """Markdown grid of winners: rows = second-axis values, columns = first-axis values."""
    (k1, v1), (k2, v2) = axes
    cells = context_cells(table, axes)
    by_cell = {cells[r["context"]]: r for r in table.to_pylist() if r["context"] in cells}
    body = [[format_level(b), *(_cell(by_cell.get((i, j)), unit) for i in range(len(v1)))]
            for j, b in enumerate(v2)]
    return markdown_table([f"{k2} ↓ / {k1} →", *(format_level(a) for a in v1)], body)


def _compact_table(table: pa.Table, keys: list[str], unit: str) -> str:
    """Up to :data:`MAX_ROWS` contexts with their values, winner and margin."""
    rows = table.to_pylist()
    body = []
    for r in rows[:MAX_ROWS]:
        winner = r["best"] if r["clear"] else _cell(r, unit)
        diff = (f"{format_change(r['diff_mean'], unit)} "
                f"[{format_span(r['diff_ci_low'], r['diff_ci_high'], unit, signed=True)}]"
                if r["runner_up"] else "n/a")
        body.append([str(r["context"]), *(format_level(r.get(k)) for k in keys), winner, diff])
    text = markdown_table(["Context", *keys, "Winner",
                           f"Best − runner-up [{CONFIDENCE_TEXT} CI]"], body)
    if len(rows) > MAX_ROWS:
        text += (f"\n\n{len(rows) - MAX_ROWS} more contexts are not shown; `winners.csv` has "
                 "every context.")
    return text


def _bounds(rows: list[dict], keys: list[str], won: list[int], best: list[str | None],
            strategy: str) -> str:
    """Conditions ``key ≥ v`` / ``key ≤ v`` that all of a strategy's clear wins meet.

    A condition is kept only when it separates those wins from the other strategies' clear wins
    (or, when no other strategy wins clearly anywhere, from all the other contexts).
    """
    others = ([i for i, b in enumerate(best) if b not in (None, strategy)]
              or [i for i, b in enumerate(best) if b != strategy])
    conditions = []
    for key in keys:
        mine = [rows[i].get(key) for i in won]
        theirs = [rows[i].get(key) for i in others]
        if not others or not all(is_number(v) for v in mine + theirs):
            continue
        if all(v < min(mine) for v in theirs):
            conditions.append(f"{key} ≥ {format_level(min(mine))}")
        elif all(v > max(mine) for v in theirs):
            conditions.append(f"{key} ≤ {format_level(max(mine))}")
    return " and ".join(conditions)


def _regions(table: pa.Table, keys: list[str], strategies: list[str]) -> str:
    """One sentence: how many contexts each strategy wins clearly, and where."""
    rows = table.to_pylist()
    best = [r["best"] if r["clear"] else None for r in rows]
    parts: list[str] = []
    for strategy in strategies:
        won = [i for i, b in enumerate(best) if b == strategy]
        count = (f"{len(won) or 'none'} of {len(rows)} contexts" if not parts
                 else str(len(won) or "none"))
        where = _bounds(rows, keys, won, best, strategy) if won else ""
        parts.append(f"`{strategy}` wins clearly in {count}" + (f", all with {where}"
                                                                 if where else ""))
    unclear = best.count(None)
    parts.append("every context has a clear winner" if not unclear else
                 "1 context has no clear winner" if unclear == 1 else
                 f"{unclear} contexts have no clear winner")
    return "; ".join(parts) + "."


def _where_section(winners: dict[str, pa.Table], kpis: list[str], design: str,
                   axes: list[tuple[str, tuple]], keys: list[str], strategies: list[str]) -> str:
    """Per KPI: the table of winners by context and the sentence on the regions."""
    parts = ["## Where each strategy wins"]
    for kpi in dict.fromkeys(kpis):
        info = _RUN.get(kpi)
        if info is None or kpi not in winners:
            why = ("is not a run KPI" if info is None else "has no better side, so no strategy "
                   "wins on it" if info.better not in ("higher", "lower") else
                   "is not in these results")
            parts.append(f"### {info.label if info else kpi}\n\n`{kpi}` {why}.")
            continue
        table = winners[kpi]
        grid = (_grid_table(table, axes, info.unit) if design == "grid" and len(axes) == 2
                else _compact_table(table, keys, info.unit))
        parts.append(f"### {info.label}\n\n{info.formula} {info.better.capitalize()} is "
                     f"better.\n\n{grid}\n\n{_regions(table, keys, strategies)}")
    return "\n\n".join(parts)


def _drivers_section(sens: pa.Table, design: str, kpis: list[str], label: str) -> str:
    """Per KPI: the uncertainties that move ``label`` most, by ST (Sobol') or mu* (Morris)."""
    sobol = design == "sobol"
    measure = "ST" if sobol else "mu_star"
    intro = (f"Sobol' indices of `{label}` (per-context mean over replications) across the "
             "ranges of the uncertainties. ST is the share of its variance due to an "
             "uncertainty including interactions, S1 the share due to it alone; ± is the 95% "
             "bootstrap half-width. An uncertainty with ST near 0 hardly moves the verdict."
             if sobol else
             f"Morris screening of `{label}` (per-context mean over replications): mu* is the "
             "mean absolute change when an uncertainty moves across its range (in the KPI's "
             "unit), sigma the spread of those changes (non-linearity or interactions); ± is "
             "the 95% bootstrap half-width of mu*.")
    parts = ["## What drives the verdict", intro]
    all_rows = sens.to_pylist()
    for kpi in (k for k in dict.fromkeys(kpis) if k in _RUN):
        info = _RUN[kpi]
        rows = [r for r in all_rows if r["kpi"] == kpi and r["strategy"] == label]
        if not rows:
            continue
        ranked = sorted((r for r in rows if math.isfinite(r[measure])), key=lambda r: -r[measure])

        def show(r: dict, unit: str = info.unit) -> str:
            if sobol:
                return f"ST {r['ST']:.2f} ± {r['ST_conf']:.2f}, S1 {r['S1']:.2f}"
            return f"mu* {format_number(r['mu_star'], unit)} ± {_amount(r['mu_star_conf'], unit)}"

        if not ranked:
            parts.append(f"**{info.label}**: the indices could not be computed (a context "
                         "without values, or no variation at all).")
            continue
        text = (f"**{info.label}**: `{label}` depends most on `{ranked[0]['name']}` "
                f"({show(ranked[0])})")
        then = [f"`{r['name']}` ({show(r)})" for r in ranked[1:3]]
        if then:
            text += ", then " + " and ".join(then)
        unit = {"share": "points"}.get(info.unit, info.unit)
        header = (["Uncertainty", "S1 ± conf", "ST ± conf"] if sobol else
                  ["Uncertainty", f"mu ({unit})", f"mu* ± conf ({unit})", f"sigma ({unit})"])
        body = [[r["name"], f"{r['S1']:.3f} ± {r['S1_conf']:.3f}",
                 f"{r['ST']:.3f} ± {r['ST_conf']:.3f}"] if sobol else
                [r["name"], format_number(r["mu"], info.unit),
                 f"{format_number(r['mu_star'], info.unit)} ± "
                 f"{format_number(r['mu_star_conf'], info.unit)}",
                 format_number(r["sigma"], info.unit)]
                for r in sorted(rows, key=lambda r: -r[measure] if math.isfinite(r[measure])
                                else math.inf)]
        parts.append(text + ".\n\n" + markdown_table(header, body))
    return "\n\n".join(parts)


def _design_text(design: str, axes: list[tuple[str, tuple]], problem: dict | None) -> str:
    """The design and its uncertainties in one line."""
    if axes:
        return f"{design}: " + " × ".join(
            f"`{k}` ∈ {{{', '.join(format_level(v) for v in values)}}}" for k, values in axes)
    if problem:
        return f"{design}: " + ", ".join(
            f"`{n}` in [{format_level(float(lo))}, {format_level(float(hi))}]"
            for n, (lo, hi) in zip(problem["names"], problem["bounds"], strict=True))
    return design


def _how_section(runs: pa.Table, manifest: Mapping[str, Any], name: str, design: str,
                 reference: str, axes: list[tuple[str, tuple]], problem: dict | None) -> str:
    """What was run, with which seeds and versions, from the manifest and the runs."""
    versions = dig(manifest, "versions")
    wall = dig(manifest, "timings_s", "wall")
    common = common_seeds(runs)
    extra = dig(manifest, "design")
    details = ", ".join(f"{k} = {v}" for k, v in extra.items() if isinstance(
        v, str | int | float)) if isinstance(extra, Mapping) else ""
    samples = dig(manifest, "samples")
    if design != "grid" and isinstance(samples, int) and not details:
        details = f"base sample size {samples}"
    items = {
        "Experiment": name,
        "Scenario": dig(manifest, "scenario", "name"),
        "Design": _design_text(design, axes, problem) + (f" ({details})" if details else ""),
        "Contexts": str(len(set(runs["context"].to_pylist()))),
        "Strategies": ", ".join(f"`{s}`" for s in _strategies(runs)),
        "Reference (for `summary.csv`)": f"`{reference}`",
        "Replications": dig(manifest, "replications")
        or f"{len(set(runs['replication'].to_pylist()))} per strategy and context",
        "Seeds": None if common is None else "common random numbers: replication r of every "
        "strategy in a context used the same seed" if common else "**not** shared between "
        "strategies, so pairing removes no common noise",
        "Root seed": dig(manifest, "root_seed"),
        "Versions": ", ".join(f"{k} {v}" for k, v in versions.items())
        if isinstance(versions, Mapping) else versions,
        "Git commit": dig(manifest, "git_commit"),
        "Wall time": f"{float(wall):.1f} s" if isinstance(wall, int | float) else wall,
    }
    lines = [f"- **{k}**: {v}" for k, v in items.items() if v is not None]
    return ("## How this was run\n\n" + "\n".join(lines) + "\n\n`summary.csv` has the mean and "
            f"{CONFIDENCE_TEXT} CI of every KPI, strategy and context, with the paired "
            "difference vs "
            f"`{reference}`; `winners.csv` has the winner of every context and KPI.")


def _render(runs: pa.Table, manifest: Mapping[str, Any], *, reference: str, kpis: list[str],
            design: str, axes: list[tuple[str, tuple]], problem: dict | None,
            winners: dict[str, pa.Table], sens: pa.Table | None,
            pair: tuple[str, str] | None, figures: dict[str, Path]) -> str:
    """The text of a sweep's ``report.md``."""
    name = str(dig(manifest, "name") or (runs["experiment"][0].as_py() if runs.num_rows
                                          and "experiment" in runs.column_names else None)
               or "unnamed sweep")
    strategies = _strategies(runs)
    keys = [k for k in ([k for k, _ in axes] if axes else list(problem["names"]) if problem
                        else uncertainty_columns(runs)) if k in runs.column_names]
    contexts = len(set(runs["context"].to_pylist()))
    intro = " ".join(filter(None, [
        dig(manifest, "description"),
        f"{len(strategies)} strategies compared in {contexts} contexts ({design} design). In "
        "each context the winner of a KPI is the strategy with the best mean over "
        "replications; its margin is the paired difference to the runner-up on the same "
        f"seeds, and the win is *clear* when the {CONFIDENCE_TEXT} CI of that difference "
        "excludes zero."]))
    label = paired_label(*pair) if pair else (strategies[0] if strategies else "")
    alt = {"phase_diagram": "Which strategy wins where, with the margin",
           "sweep_lines": f"KPIs along the sweep, mean and {CONFIDENCE_TEXT} CI per strategy",
           "sensitivity_figure": f"What drives {label}"}
    sections = [f"# Sweep: {name}", intro, _where_section(winners, kpis, design, axes, keys,
                                                          strategies)]
    if sens is not None:
        sections.append(_drivers_section(sens, design, kpis, label))
    if figures:
        sections.append("## Figures\n\n" + "\n\n".join(
            f"![{alt.get(k, k)}](figures/{p.name})" for k, p in figures.items()))
    sections.append(_how_section(runs, manifest, name, design, reference, axes, problem))
    return "\n\n".join(sections) + "\n"
