"""What every validation check shares: the claim row, per-run and per-week helpers, the figure.

A check turns the stored runs of its experiment into :class:`Claim` rows and draws one figure
that overlays the published values and ours (:func:`plot_overlay`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sim.experiments.manifest import Manifest
from sim.experiments.results import atomic_write
from sim.experiments.statistics import t_interval

__all__ = ["Claim", "Panel", "axis_values", "by_context", "paired", "plot_overlay", "plot_panels",
           "run_means", "weekly_by_run", "weekly_mean"]


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


def weekly_by_run(timeseries: pa.Table, kpi: str, context: int) -> np.ndarray:
    """A weekly KPI of every run of one context, ``(replications, weeks)``, in replication order."""
    rows = timeseries.filter(pc.equal(timeseries["context"], context))
    replication, step = rows["replication"].to_numpy(), rows["step"].to_numpy()
    table = np.full((int(replication.max()) + 1, int(step.max()) + 1), np.nan)
    table[replication, step] = rows[kpi].to_numpy().astype(float)
    return table


def axis_values(manifest: Manifest, key: str) -> list:
    """The values of one grid axis of the experiment, in context order along that axis."""
    return [value for axis, values in manifest.axes if axis == key for value in values]


def paired(a: np.ndarray, b: np.ndarray) -> str:
    """``mean(a - b)`` with its 95% interval and who wins how many pairs, as one phrase."""
    mean, _, low, high = t_interval(a - b)
    return (f"paired difference {mean:+.3f} [{low:+.3f}, {high:+.3f}], first higher in "
            f"{(a > b).mean():.0%} of pairs, lower in {(a < b).mean():.0%}")


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


@dataclass(frozen=True)
class Panel:
    """One panel of a validation figure.

    Attributes:
        title: Panel title.
        xlabel: Label of the x axis.
        ylabel: Label of the y axis.
        ours: Our curves, ``(label, x, y)``.
        published: Published curves, ``(label, x, y, matplotlib style)``, drawn in black.
        note: A line printed in the panel, e.g. that no published numbers exist.
    """

    title: str
    xlabel: str
    ylabel: str
    ours: list[tuple]
    published: list[tuple] = field(default_factory=list)
    note: str = ""


def plot_overlay(out: Path, title: str, published: list[tuple], ours: list[tuple], xlabel: str,
                 ylabel: str) -> Path:
    """One-panel figure: published curves (black) and ours, saved as figures/validation.png."""
    return plot_panels(out, [Panel(title, xlabel, ylabel, ours, published)])


def plot_panels(out: Path, panels: list[Panel]) -> Path:
    """Panels side by side, saved as figures/validation.png in the results folder ``out``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7 * len(panels), 4.2), dpi=120)
    FigureCanvasAgg(figure)
    for index, panel in enumerate(panels):
        axes = figure.add_subplot(1, len(panels), index + 1)
        for label, x, y, style in panel.published:
            axes.plot(x, y, style, label=label, linewidth=2)
        for label, x, y in panel.ours:
            axes.plot(x, y, label=label, linewidth=1.5, alpha=0.85)
        if panel.note:
            axes.text(0.02, 0.02, panel.note, transform=axes.transAxes, fontsize=8,
                      color="0.35")
        axes.set(title=panel.title, xlabel=panel.xlabel, ylabel=panel.ylabel)
        axes.grid(alpha=0.3)
        axes.legend(frameon=False, fontsize=8)
    figure.tight_layout()
    path = out / "figures" / "validation.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda p: figure.savefig(p, format="png", metadata={"Software": None}))
    return path
