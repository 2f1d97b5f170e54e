"""What every validation check shares: the claim row, per-run and per-week helpers, the figure.

A check turns the stored runs of its experiment into :class:`Claim` rows and draws one figure
that overlays the published values and ours (:func:`plot_overlay`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sim.results import atomic_write

__all__ = ["Claim", "by_context", "plot_overlay", "run_means", "weekly_mean"]


@dataclass(frozen=True)
class Claim:
    """One published claim and how the engine fares.

    Attributes:
        source: Paper, with page or figure.
        claim: What the paper reports.
        ours: Our measured number(s).
        tolerance: What counts as agreement.
        passed: Whether it does.
    """

    source: str
    claim: str
    ours: str
    tolerance: str
    passed: bool


def weekly_mean(timeseries: pa.Table, kpi: str, context: int = 0) -> np.ndarray:
    """Mean of a weekly KPI over the runs of one context, week by week."""
    rows = timeseries.filter(pc.equal(timeseries["context"], context))
    steps = rows["step"].to_numpy()
    values = rows[kpi].to_numpy().astype(float)
    return np.bincount(steps, weights=values) / np.bincount(steps)


def run_means(timeseries: pa.Table, kpi: str, context: int) -> np.ndarray:
    """Per run of one context (in replication order), the mean of a weekly KPI over weeks >= 1."""
    rows = timeseries.filter(pc.and_(pc.equal(timeseries["context"], context),
                                     pc.greater(timeseries["step"], 0)))
    replication = rows["replication"].to_numpy()
    values = rows[kpi].to_numpy().astype(float)
    return np.bincount(replication, weights=values) / np.bincount(replication)


def by_context(runs: pa.Table, context: int) -> dict[str, np.ndarray]:
    """KPI columns of one context, in replication order."""
    rows = runs.filter(pc.equal(runs["context"], context))
    order = np.argsort(rows["replication"].to_numpy())
    return {name: rows[name].to_numpy()[order].astype(float) for name in rows.column_names
            if pa.types.is_floating(rows[name].type)}


def plot_overlay(out: Path, title: str, published: list[tuple], ours: list[tuple], xlabel: str,
          ylabel: str) -> Path:
    """Line figure: published curves (dashed) and ours, saved as figures/validation.png."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 4.2), dpi=120)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for label, x, y, style in published:
        axes.plot(x, y, style, label=label, linewidth=2)
    for label, x, y in ours:
        axes.plot(x, y, label=label, linewidth=1.5, alpha=0.85)
    axes.set(title=title, xlabel=xlabel, ylabel=ylabel)
    axes.grid(alpha=0.3)
    axes.legend(frameon=False)
    path = out / "figures" / "validation.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda p: figure.savefig(p, format="png", metadata={"Software": None}))
    return path
