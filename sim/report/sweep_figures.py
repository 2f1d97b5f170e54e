"""Figures of a sweep: the phase diagram of winners, KPIs along one axis, sensitivity indices.

Drawn like :mod:`sim.report.figures`: on :class:`matplotlib.figure.Figure` with the Agg canvas
(never
pyplot), and saved without software or time stamps, so the same data gives the same PNG bytes.
:mod:`sim.report.sweep` imports this module only when it draws, so importing the report module
does not load matplotlib.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pyarrow as pa
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import PercentFormatter

from sim.engine.metrics import RUN_KPIS
from sim.experiments.statistics import CONFIDENCE_TEXT
from sim.report.contexts import context_cells
from sim.report.figures import DPI, STYLE, save_png
from sim.report.formats import format_level, is_number, margin
from sim.report.labels import parameter_label

__all__ = ["make_sweep_figures"]

_RUN = {k.name: k for k in RUN_KPIS}
_NO_DATA = "#dddddd"


def make_sweep_figures(runs: pa.Table, summary: pa.Table, winners: dict[str, pa.Table],
                       out_dir: Path, *, design: str, axes: Sequence[tuple[str, tuple]],
                       strategies: list[str], kpis: list[str], sens: pa.Table | None = None,
                       label: str = "") -> dict[str, Path]:
    """Draw the figures that fit the design into ``out_dir`` (the figures folder).

    Args:
        runs: One row per run (for the axis values of each context).
        summary: The table of :func:`sim.report.summary.summarise` over all contexts.
        winners: :func:`sim.report.sweep.winners_by_context` per KPI with a better side.
        out_dir: Folder for the PNGs, created if needed.
        design: ``"grid"``, ``"lhs"``, ``"sobol"`` or ``"morris"``.
        axes: The grid's keys and values in declared order; ``[]`` for sampled designs.
        strategies: Strategies in a fixed order (it fixes their colours).
        kpis: Run KPIs present in the runs, in report order.
        sens: The sensitivity table (Sobol' or Morris), if any.
        label: The rows of ``sens`` to draw: a strategy or a paired label ``"A − B"``.

    Returns:
        Paths by name: ``phase_diagram`` (grid with two axes), ``sweep_lines`` (grid with one
        axis), ``sensitivity_figure`` (``sensitivity.png``, Sobol' and Morris); none otherwise.
    """
    colours = {s: f"C{i % 10}" for i, s in enumerate(strategies)}
    drawings = {}
    if design == "grid" and len(axes) == 2 and winners:
        drawings["phase_diagram"] = (len(winners), lambda fig: _draw_phase(
            fig, winners, axes, colours))
    if design == "grid" and len(axes) == 1 and kpis:
        drawings["sweep_lines"] = (len(kpis), lambda fig: _draw_lines(
            fig, runs, summary, axes[0], kpis, colours))
    panels = [k for k in kpis if sens is not None and k in sens["kpi"].to_pylist()]
    if design in ("sobol", "morris") and panels:
        drawings["sensitivity_figure"] = (len(panels), lambda fig: _draw_sensitivity(
            fig, sens, design, panels, label))
    if not drawings:
        return {}
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    with mpl.rc_context(STYLE):
        for name, (n, draw) in drawings.items():
            ncols = min(3, n)
            nrows = -(-n // ncols)
            fig = Figure(figsize=(max(8.0, 0.6 + 4.4 * ncols), 1.4 + 3.6 * nrows), dpi=DPI,
                         layout="constrained")
            FigureCanvasAgg(fig)
            draw(fig)
            file = "sensitivity.png" if name == "sensitivity_figure" else f"{name}.png"
            paths[name] = save_png(fig, out_dir / file)
    return paths


def _panels(fig: Figure, n: int) -> list[Axes]:
    """``n`` axes on a grid of up to three columns; unused cells are hidden."""
    ncols = min(3, n)
    axes = list(fig.subplots(-(-n // ncols), ncols, squeeze=False).ravel())
    for ax in axes[n:]:
        ax.set_visible(False)
    return axes[:n]


def _title(kpi: str) -> str:
    """Panel title: the KPI's label and its better side."""
    info = _RUN[kpi]
    side = {"higher": "higher is better", "lower": "lower is better"}.get(info.better)
    return f"{info.label}\n({side})" if side else info.label


def _draw_phase(fig: Figure, winners: dict[str, pa.Table], axes: Sequence[tuple[str, tuple]],
                colours: dict[str, str]) -> None:
    """Per KPI, a grid of cells coloured by the winning strategy and labelled with the margin."""
    (k1, v1), (k2, v2) = axes
    for ax, (kpi, table) in zip(_panels(fig, len(winners)), winners.items(), strict=True):
        unit = _RUN[kpi].unit
        cells = context_cells(table, axes)
        for row in table.to_pylist():
            if row["context"] not in cells:
                continue
            i, j = cells[row["context"]]
            best, clear = row["best"], bool(row["clear"])
            colour = colours.get(best, _NO_DATA) if best else _NO_DATA
            ax.add_patch(Rectangle((i - 0.5, j - 0.5), 1.0, 1.0, facecolor=colour,
                                   alpha=1.0 if clear else 0.35, hatch=None if clear else "//",
                                   edgecolor="white" if clear else "grey", lw=1.5))
            text = ("n/a" if not best else "no comparison" if not row["runner_up"]
                    else margin(row["diff_mean"], unit) + ("" if clear else "\n(not clear)"))
            ax.text(i, j, text,
                    ha="center", va="center", fontsize=8,
                    color="white" if clear else "black", fontweight="bold" if clear else None)
        ax.set_xlim(-0.5, len(v1) - 0.5)
        ax.set_ylim(-0.5, len(v2) - 0.5)
        ax.set_xticks(range(len(v1)), [format_level(v) for v in v1],
                      rotation=45 if len(v1) > 6 else 0)
        ax.set_yticks(range(len(v2)), [format_level(v) for v in v2])
        ax.set_xlabel(parameter_label(k1))
        ax.set_ylabel(parameter_label(k2))
        ax.grid(False)
        ax.set_title(_title(kpi))
    handles = [Patch(facecolor=c, label=s) for s, c in colours.items()]
    handles.append(Patch(facecolor="white", edgecolor="grey", hatch="//",
                         label=f"faded, hatched: no clear winner ({CONFIDENCE_TEXT} CI "
                               "includes 0)"))
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4),
               frameon=False)
    fig.suptitle("Which strategy wins where\ncolour = best mean; label = paired margin over the "
                 "runner-up")


def _draw_lines(fig: Figure, runs: pa.Table, summary: pa.Table, axis: tuple[str, tuple],
                kpis: list[str], colours: dict[str, str]) -> None:
    """Per KPI, mean and 95% CI of each strategy against the values of the one grid axis."""
    key, values = axis
    cells = context_cells(runs, [axis])
    numeric = all(is_number(v) for v in values)
    x = np.array(values, dtype=np.float64) if numeric else np.arange(len(values), dtype=float)
    span = float(np.ptp(x)) if x.size > 1 else 1.0
    rows = summary.to_pylist()
    for ax, kpi in zip(_panels(fig, len(kpis)), kpis, strict=True):
        unit = _RUN[kpi].unit
        for n, (strategy, colour) in enumerate(colours.items()):
            mean, low, high = (np.full(len(values), np.nan) for _ in range(3))
            for r in rows:
                if r["kpi"] == kpi and r["strategy"] == strategy and r["context"] in cells:
                    i = cells[r["context"]][0]
                    mean[i], low[i], high[i] = r["mean"], r["ci_low"], r["ci_high"]
            # n < 2 gives no interval: draw the mean without a bar rather than a made-up one.
            err = np.nan_to_num(np.maximum(np.vstack([mean - low, high - mean]), 0.0))
            dodge = 0.012 * span * (n - (len(colours) - 1) / 2)
            ax.errorbar(x + dodge, mean, yerr=err, fmt="-o", ms=4, capsize=3, color=colour,
                        label=strategy)
        ax.set_xticks(x, [format_level(v) for v in values])
        ax.set_xlabel(parameter_label(key))
        ax.set_ylabel(unit)
        if unit == "share":
            ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
        ax.set_title(_title(kpi))
    handles, labels = fig.axes[0].get_legend_handles_labels() if fig.axes else ([], [])
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4),
                   frameon=False)
    fig.suptitle("KPIs along the sweep: mean over replications and "
                 f"{CONFIDENCE_TEXT} CI per strategy")


def _draw_sensitivity(fig: Figure, sens: pa.Table, design: str, kpis: list[str],
                      label: str) -> None:
    """Per KPI, horizontal bars of the sensitivity indices of ``label`` per uncertainty."""
    all_rows = sens.to_pylist()
    sobol = design == "sobol"
    for ax, kpi in zip(_panels(fig, len(kpis)), kpis, strict=True):
        rows = [r for r in all_rows if r["kpi"] == kpi and r["strategy"] == label]
        y = np.arange(len(rows))

        def col(name: str, rows: list[dict] = rows) -> np.ndarray:
            return np.nan_to_num(np.array([r[name] for r in rows], dtype=np.float64))

        if sobol:
            ax.barh(y - 0.2, col("ST"), xerr=col("ST_conf"), height=0.38, color="C0",
                    capsize=3, label="ST (total, with interactions)")
            ax.barh(y + 0.2, col("S1"), xerr=col("S1_conf"), height=0.38, color="C0",
                    alpha=0.45, capsize=3, label="S1 (first order, alone)")
            ax.set_xlabel("share of variance")
        else:
            ax.barh(y, col("mu_star"), xerr=col("mu_star_conf"), height=0.6, color="C0",
                    capsize=3, label="mu* (mean absolute effect)")
            unit = _RUN[kpi].unit
            ax.set_xlabel("points" if unit == "share" else unit)
            if unit == "share":
                ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0, symbol=""))
        if rows and all(not math.isfinite(r["ST" if sobol else "mu_star"]) for r in rows):
            ax.text(0.5, 0.5, "n/a", transform=ax.transAxes, ha="center", va="center")
        ax.axvline(0.0, color="black", lw=0.8)
        ax.set_yticks(y, [parameter_label(r["name"]) for r in rows])
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_title(_RUN[kpi].label)
    handles, labels = fig.axes[0].get_legend_handles_labels() if fig.axes else ([], [])
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels),
                   frameon=False)
    method = "Sobol' indices" if sobol else "Morris screening"
    fig.suptitle(f"What drives {label}: {method} of the per-context mean")
