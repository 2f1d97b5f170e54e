"""Figures of a strategy comparison: weekly KPIs with bands, paired differences, KPI dot plots.

Figures are drawn on :class:`matplotlib.figure.Figure` with the Agg canvas (never pyplot, never
``matplotlib.use``), so importing or calling this module changes no global state. PNGs carry no
software or time stamp: the same data gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.engine.metrics import KPIS, RUN_KPIS
from sim.experiments.results import atomic_write
from sim.experiments.statistics import CONFIDENCE_TEXT, clip_interval, t_quantile
from sim.report.labels import kpi_label

__all__ = ["STYLE", "TIMESERIES_PANELS", "make_figures", "save_png"]

TIMESERIES_PANELS = ("participating_share", "contributing_share", "mean_knowledge", "error_rate",
                     "silo_index", "active_communities")
DPI = 120
STYLE = {"font.size": 9, "axes.titlesize": 9, "axes.grid": True, "grid.alpha": 0.3,
          "legend.fontsize": 8, "figure.facecolor": "white", "savefig.facecolor": "white"}
_WEEKLY = {k.name: k for k in KPIS}
_BETTER_SIDE = {"higher": "right of 0 is better", "lower": "left of 0 is better",
                "none": "no better side"}


def make_figures(runs: pa.Table, timeseries: pa.Table, summary: pa.Table, out_dir: Path,
                 reference: str) -> list[Path]:
    """Draw the comparison figures of context 0 into ``out_dir`` (the figures folder).

    Args:
        runs: One row per run (unused for now; kept so every figure can see the raw runs).
        timeseries: One row per run and week.
        summary: The table of :func:`sim.report.summary.summarise`.
        out_dir: Folder for the PNGs, created if needed.
        reference: The strategy the paired differences are taken against.

    Returns:
        Paths of ``timeseries.png``, ``paired_differences.png`` and ``kpis.png``.
    """
    del runs
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = [r for r in summary.to_pylist() if r["context"] == 0]
    strategies = list(dict.fromkeys(r["strategy"] for r in rows))
    colours = {s: f"C{i % 10}" for i, s in enumerate(strategies)}
    headline = [k for k in RUN_KPIS if k.headline and any(r["kpi"] == k.name for r in rows)]
    drawings = {
        "timeseries.png": lambda fig: _draw_timeseries(fig, timeseries, strategies, colours),
        "paired_differences.png": lambda fig: _draw_differences(fig, rows, headline, reference,
                                                                colours),
        "kpis.png": lambda fig: _draw_kpis(fig, rows, headline, colours),
    }
    paths = []
    with mpl.rc_context(STYLE):
        for name, draw in drawings.items():
            fig = Figure(figsize=(11, 7), dpi=DPI)  # manual layout: constrained costs 2x
            FigureCanvasAgg(fig)
            draw(fig)
            paths.append(save_png(fig, out_dir / name))
    return paths


def save_png(fig: Figure, path: Path) -> Path:
    """Save a PNG without metadata that would change from one run to the next."""
    atomic_write(path, lambda p: fig.savefig(p, dpi=DPI, format="png",
                                             metadata={"Software": None}))
    return path


def _grid(fig: Figure, n: int, left: float = 0.07, ncols: int = 3) -> list[Axes]:
    """``n`` axes on a grid of ``ncols`` columns sharing y; unused cells are hidden."""
    nrows = max(1, -(-n // ncols))
    fig.subplots_adjust(left=left, right=0.98, top=0.86, bottom=0.14, wspace=0.3, hspace=0.75)
    axes = list(fig.subplots(nrows, ncols, squeeze=False, sharey=left > 0.07).ravel())
    for ax in axes[n:]:
        ax.set_visible(False)
    return axes[:n]


def _left(names: Sequence[str]) -> float:
    """Left margin (figure fraction) that fits strategy names as y tick labels."""
    return min(0.4, 0.05 + 0.0075 * max((len(s) for s in names), default=0))


def weekly_band(timeseries: pa.Table, strategy: str, kpi: str,
                context: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mean over replications of a weekly KPI with its 95% t-band, week by week.

    Args:
        timeseries: One row per run and week.
        strategy: Strategy to select.
        kpi: Weekly KPI column.
        context: Context to select.

    Returns:
        ``(weeks, mean, low, high)``; NaN values are left out, and the band is NaN in weeks with
        fewer than two values. The band is clipped to the values the KPI can take
        (:attr:`sim.engine.metrics.Kpi.bounds`; not clipped for a column outside
        :data:`~sim.engine.metrics.KPIS`).
    """
    mask = pc.and_(pc.equal(timeseries["strategy"], strategy),
                   pc.equal(timeseries["context"], context))
    sub = timeseries.filter(mask)
    step = sub["step"].to_numpy()
    replication = sub["replication"].to_numpy()
    weeks, week_index = np.unique(step, return_inverse=True)
    reps, rep_index = np.unique(replication, return_inverse=True)
    grid = np.full((reps.size, weeks.size), np.nan)
    grid[rep_index, week_index] = sub[kpi].to_numpy().astype(np.float64)
    count = np.sum(~np.isnan(grid), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(grid, axis=0) / count
        deviation = np.where(np.isnan(grid), 0.0, grid - mean) ** 2
        sd = np.sqrt(deviation.sum(axis=0) / (count - 1))
        half = t_quantile(np.maximum(count - 1, 1)) * sd / np.sqrt(count)
    half = np.where(count >= 2, half, np.nan)
    mean = np.where(count >= 1, mean, np.nan)
    bounds = _WEEKLY[kpi].bounds if kpi in _WEEKLY else None
    low, high = clip_interval(mean - half, mean + half, bounds)
    return weeks, mean, low, high


def _draw_timeseries(fig: Figure, timeseries: pa.Table, strategies: Sequence[str],
                     colours: dict[str, str]) -> None:
    """Grid of weekly KPIs: per strategy the mean over replications and a 95% band."""
    panels = [k for k in TIMESERIES_PANELS if k in timeseries.column_names]
    for ax, kpi in zip(_grid(fig, len(panels)), panels, strict=True):
        for strategy in strategies:
            weeks, mean, low, high = weekly_band(timeseries, strategy, kpi)
            if weeks.size:
                ax.plot(weeks, mean, color=colours[strategy], lw=1.4, label=strategy)
                ax.fill_between(weeks, low, high, color=colours[strategy], alpha=0.2, lw=0)
        unit = _WEEKLY[kpi].unit if kpi in _WEEKLY else ""
        ax.set_title(kpi_label(kpi))
        ax.set_xlabel("week")
        ax.set_ylabel(unit)
        if unit == "share":
            ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    handles, labels = fig.axes[0].get_legend_handles_labels() if fig.axes else ([], [])
    if handles:
        fig.legend(handles, labels, loc="lower center", ncols=min(len(labels), 6),
                   frameon=False)
    fig.suptitle(f"Weekly KPIs: mean over replications with {CONFIDENCE_TEXT} confidence band")


def _draw_differences(fig: Figure, rows: list[dict], headline: list, reference: str,
                      colours: dict[str, str]) -> None:
    """Forest plot: paired difference vs the reference with its 95% CI, per headline KPI."""
    others = [s for s in colours if s != reference]
    for ax, kpi in zip(_grid(fig, len(headline), _left(others)), headline, strict=True):
        factor, unit = (100.0, "percentage points") if kpi.unit == "share" else (1.0, kpi.unit)
        points = {r["strategy"]: (r["diff_mean"], r["diff_ci_low"], r["diff_ci_high"])
                  for r in rows if r["kpi"] == kpi.name}
        _dots(ax, others, {s: tuple(factor * v for v in points[s]) for s in others
                           if s in points}, colours)
        ax.axvline(0.0, color="black", lw=0.8)
        ax.set_title(f"{kpi.label}\nvs {reference}\n({_BETTER_SIDE[kpi.better]})")
        ax.set_xlabel(f"difference ({unit})")
    fig.suptitle(f"Paired differences vs {reference}: mean and {CONFIDENCE_TEXT} CI over "
                 "replications")


def _draw_kpis(fig: Figure, rows: list[dict], headline: list, colours: dict[str, str]) -> None:
    """Dot plot: mean and 95% CI of each headline KPI per strategy."""
    strategies = list(colours)
    for ax, kpi in zip(_grid(fig, len(headline), _left(strategies)), headline, strict=True):
        _dots(ax, strategies, {r["strategy"]: (r["mean"], r["ci_low"], r["ci_high"])
                               for r in rows if r["kpi"] == kpi.name}, colours)
        better = {"higher": "higher is better", "lower": "lower is better"}.get(kpi.better)
        ax.set_title(f"{kpi.label}\n({better})" if better else kpi.label)
        ax.set_xlabel(kpi.unit)
        if kpi.unit == "share":
            ax.xaxis.set_major_formatter(PercentFormatter(xmax=1))
    fig.suptitle(f"Headline KPIs: mean and {CONFIDENCE_TEXT} CI per strategy")


def _dots(ax: Axes, strategies: list[str], points: dict[str, tuple[float, float, float]],
          colours: dict[str, str]) -> None:
    """One row per strategy (first at the top): a dot with a horizontal 95% CI bar."""
    for y, strategy in enumerate(strategies):
        if strategy not in points:
            continue
        centre, low, high = points[strategy]
        known = all(np.isfinite(v) for v in (centre, low, high))
        err = np.array([[max(centre - low, 0.0)], [max(high - centre, 0.0)]]) if known else None
        ax.errorbar([centre], [y], xerr=err, fmt="o", color=colours[strategy], capsize=3)
    ax.set_yticks(range(len(strategies)), strategies)
    ax.set_ylim(max(len(strategies), 1) - 0.5, -0.5)
