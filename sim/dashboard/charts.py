"""The race's charts: one neutral description, three renderings (ECharts, PNG, CSV).

A :class:`Chart` says what a chart shows — its lines, bands and axes — and nothing about how it
is drawn. :func:`echarts_option` turns it into the option the browser draws (ECharts, so a new
frame costs the server a dictionary, not an image); :func:`figure` into a matplotlib figure for
the PNG export; :func:`csv_text` into the data behind it. The export is therefore always the
picture and the numbers on the screen.

The catalogue (:data:`CHARTS`) takes each KPI's meaning from :data:`sim.engine.metrics.KPIS`.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure

from sim.dashboard.bands import Bands, better_direction
from sim.dashboard.race import Snapshot
from sim.engine.metrics import KPIS

__all__ = ["CHARTS", "COLOURS", "Chart", "ChartSpec", "Line", "csv_text", "echarts_option",
           "figure", "gap_chart", "png_bytes", "race_charts"]

COLOURS = ("#1b6fb5", "#d95f02")
"""Strategy A (blue) and strategy B (orange): the same in every chart."""

_DASHES = ("solid", "dashed", "dotted")
_KPI_HELP = {k.name: k.formula for k in KPIS}
_KPI_UNIT = {k.name: k.unit for k in KPIS}


@dataclass(frozen=True)
class ChartSpec:
    """One chart of the race: which weekly KPIs it draws, and what it shows in words.

    Attributes:
        key: Identifier (file names of exports).
        title: Title.
        kpis: ``(kpi, label)`` pairs, drawn for A and B each.
        shows: One sentence on what the chart tells a leader.
    """

    key: str
    title: str
    kpis: tuple[tuple[str, str], ...]
    shows: str

    @property
    def unit(self) -> str:
        """The unit of the chart's values (of its first KPI)."""
        return _KPI_UNIT[self.kpis[0][0]]

    @property
    def help(self) -> str:
        """What the chart shows, then how each of its KPIs is measured."""
        parts = [self.shows] + [f"{label.capitalize()}: {_KPI_HELP[kpi]}"
                                for kpi, label in self.kpis]
        return " ".join(parts)


CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec("reach", "Reach", (("aware_share", "aware"),
                                 ("participating_share", "participating"),
                                 ("contributing_share", "contributing")),
              "How many people have heard of the learning network, take part in it, and "
              "contribute to it."),
    ChartSpec("knowledge", "Knowledge", (("mean_knowledge", "knowledge"),),
              "How much of what people believe about their work is right (1: everything, "
              "-1: everything wrong)."),
    ChartSpec("errors", "Error rate", (("error_rate", "error rate"),),
              "How often people do their work the wrong way; lower is better."),
    ChartSpec("communities", "Active communities", (("active_communities", "active"),),
              "How many communities meet and are alive."),
    ChartSpec("silos", "Silo index", (("silo_index", "silo index"),),
              "How much of the learning stays inside divisions; lower means knowledge crosses "
              "the organisation's boundaries."),
    ChartSpec("value", "Value cycles", (("attending_share", "immediate value: attending"),
                                        ("code_knowledge", "potential value: stored knowledge")),
              "Value created, after Wenger, Trayner & de Laat (2011): the immediate value of "
              "taking part, and the potential value stored in the communities' shared "
              "knowledge."),
)
"""The race's KPI charts, in page order."""

GAP_KPIS: tuple[str, ...] = ("participating_share", "contributing_share", "mean_knowledge",
                             "error_rate", "active_communities", "silo_index")
"""KPIs the gap chart can show."""


@dataclass(frozen=True)
class Line:
    """One line of a chart, with an optional band behind it.

    Attributes:
        label: Legend label.
        values: One value per week shown so far (NaN where there is none).
        colour: Line colour.
        dash: ``"solid"``, ``"dashed"`` or ``"dotted"``.
        band: Low and high edge of a band, one value per week of the whole run.
        axis: 0 for the left y axis, 1 for the right one.
    """

    label: str
    values: np.ndarray
    colour: str
    dash: str = "solid"
    band: tuple[np.ndarray, np.ndarray] | None = None
    axis: int = 0


@dataclass(frozen=True)
class Chart:
    """A chart as data: title, axes and lines.

    Attributes:
        key: Identifier (file names of exports).
        title: Title.
        unit: Unit of the left axis (``share`` is shown in %).
        help: What the chart shows, in words.
        weeks: Weeks of the whole run (the x axis is fixed to it, so the race moves along).
        lines: The lines.
        right_unit: Unit of the right axis, if a line uses it.
        zero_line: Whether to mark y = 0 (gap charts).
    """

    key: str
    title: str
    unit: str
    help: str
    weeks: int
    lines: tuple[Line, ...] = field(default_factory=tuple)
    right_unit: str = ""
    zero_line: bool = False


def _label(strategy: str, what: str, single: bool) -> str:
    return strategy if single else f"{strategy}: {what}"


def race_charts(snapshot: Snapshot, bands: Bands | None = None,
                specs: Sequence[ChartSpec] = CHARTS) -> list[Chart]:
    """The KPI charts of a race: A and B on the same axes, bands behind them if given."""
    charts = []
    for spec in specs:
        lines = []
        for i, strategy in enumerate(snapshot.strategies):
            for j, (kpi, what) in enumerate(spec.kpis):
                band = bands.band(strategy, kpi) if bands is not None else None
                lines.append(Line(_label(strategy, what, len(spec.kpis) == 1),
                                  snapshot.series[i][kpi], COLOURS[i], _DASHES[j], band))
        charts.append(Chart(spec.key, spec.title, spec.unit, spec.help, snapshot.steps,
                            tuple(lines)))
    return charts


def gap_chart(snapshot: Snapshot, kpi: str = "participating_share",
              bands: Bands | None = None) -> Chart:
    """The gap A − B over time for ``kpi``; with bands, the pairs' band and P(A beats B)."""
    a, b = snapshot.strategies
    gap = snapshot.series[0][kpi] - snapshot.series[1][kpi]
    band = None
    lines = []
    if bands is not None:
        mean, low, high = bands.gap_band(kpi)
        band = (low, high)
        lines.append(Line(f"P({a} beats {b})", bands.p_beats(kpi), "#555555", "dotted",
                          axis=1))
    lines.insert(0, Line(f"{a} − {b}", gap, COLOURS[0], "solid", band))
    better = "higher" if better_direction(kpi) == "higher" else "lower"
    shows = (f"The live gap between A and B in {kpi.replace('_', ' ')}: above zero, "
             f"{a} is {better}.")
    if bands is not None:
        shows += (f" The band holds 95 % of {bands.replications} paired replications' gaps; "
                  f"the dotted line is the share of them in which {a} does better.")
    return Chart(f"gap-{kpi}", f"Gap A − B: {kpi.replace('_', ' ')}", _KPI_UNIT[kpi],
                 f"{shows} {_KPI_HELP[kpi]}", snapshot.steps, tuple(lines),
                 right_unit="probability" if bands is not None else "", zero_line=True)


# ------------------------------------------------------------------------------ rendering


def _scale(unit: str) -> float:
    return 100.0 if unit == "share" else 1.0


def _axis_name(unit: str) -> str:
    return {"share": "% of people", "score": "score", "count": "count",
            "probability": "P(A beats B)"}.get(unit, unit)


def _points(values: np.ndarray, scale: float) -> list[float | None]:
    return [None if not math.isfinite(v) else round(v * scale, 4) for v in values.tolist()]


def echarts_option(chart: Chart) -> dict:
    """The ECharts option drawing ``chart`` (JSON-serialisable, animation off)."""
    scale = _scale(chart.unit)
    weeks = list(range(chart.weeks + 1))
    series: list[dict] = []
    for n, line in enumerate(chart.lines):
        if line.band is not None:  # a band is a transparent base plus a stacked filled range
            low, high = line.band
            stack = f"band{n}"
            series.append({"type": "line", "data": _points(low, scale),
                           "stack": stack, "symbol": "none", "silent": True,
                           "lineStyle": {"opacity": 0}, "tooltip": {"show": False}})
            series.append({"type": "line", "data": _points(high - low, scale),
                           "stack": stack, "symbol": "none", "silent": True,
                           "lineStyle": {"opacity": 0}, "tooltip": {"show": False},
                           "areaStyle": {"color": line.colour, "opacity": 0.15}})
        s = {"type": "line", "name": line.label, "symbol": "none",
             "data": _points(line.values, 1.0 if line.axis else scale),
             "lineStyle": {"color": line.colour, "type": line.dash, "width": 2},
             "itemStyle": {"color": line.colour}, "yAxisIndex": line.axis}
        if chart.zero_line and n == 0:
            s["markLine"] = {"silent": True, "symbol": "none", "data": [{"yAxis": 0}],
                             "lineStyle": {"color": "#999", "type": "solid"}, "label":
                             {"show": False}}
        series.append(s)
    y_axes = [{"type": "value", "name": _axis_name(chart.unit), "scale": chart.unit != "share"}]
    if chart.right_unit:
        y_axes.append({"type": "value", "name": _axis_name(chart.right_unit), "min": 0,
                       "max": 1, "splitLine": {"show": False}})
    return {
        "animation": False,
        "title": {"text": chart.title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "type": "scroll",
                   "data": [line.label for line in chart.lines]},
        "grid": {"left": 55, "right": 55 if chart.right_unit else 20, "top": 40, "bottom": 60},
        "xAxis": {"type": "category", "data": weeks, "name": "week", "nameLocation": "middle",
                  "nameGap": 25, "boundaryGap": False},
        "yAxis": y_axes,
        "series": series,
    }


_MPL_DASH = {"solid": "-", "dashed": "--", "dotted": ":"}


def figure(chart: Chart, width: float = 7.0, height: float = 4.0) -> Figure:
    """A matplotlib figure of ``chart``: the same lines and bands as on the page."""
    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    ax = fig.subplots()
    right = ax.twinx() if chart.right_unit else None
    scale = _scale(chart.unit)
    weeks = np.arange(chart.weeks + 1)
    for line in chart.lines:
        target = right if line.axis and right is not None else ax
        factor = 1.0 if line.axis else scale
        if line.band is not None:
            target.fill_between(weeks[:line.band[0].size], line.band[0] * factor,
                                line.band[1] * factor, color=line.colour, alpha=0.15, lw=0)
        target.plot(weeks[:line.values.size], line.values * factor, color=line.colour,
                    ls=_MPL_DASH[line.dash], lw=1.8, label=line.label)
    if chart.zero_line:
        ax.axhline(0, color="#999999", lw=0.8)
    ax.set_xlim(0, chart.weeks)
    ax.set_xlabel("week")
    ax.set_ylabel(_axis_name(chart.unit))
    ax.set_title(chart.title)
    handles, labels = ax.get_legend_handles_labels()
    if right is not None:
        right.set_ylim(0, 1)
        right.set_ylabel(_axis_name(chart.right_unit))
        more = right.get_legend_handles_labels()
        handles, labels = handles + more[0], labels + more[1]
    ax.legend(handles, labels, fontsize=8, loc="best")
    return fig


def png_bytes(chart: Chart) -> bytes:
    """The chart as a PNG image."""
    buffer = io.BytesIO()
    figure(chart).savefig(buffer, format="png")
    return buffer.getvalue()


def csv_text(chart: Chart) -> str:
    """The data behind ``chart``: one row per week, a column per line and band edge."""
    header = ["week"]
    columns: list[np.ndarray] = []
    for line in chart.lines:
        header.append(line.label)
        columns.append(line.values)
        if line.band is not None:
            header += [f"{line.label} (band low)", f"{line.label} (band high)"]
            columns += [line.band[0], line.band[1]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    rows = max((c.size for c in columns), default=0)
    for week in range(rows):
        writer.writerow([week] + [repr(float(c[week])) if week < c.size and math.isfinite(c[week])
                                  else "" for c in columns])
    return out.getvalue()
