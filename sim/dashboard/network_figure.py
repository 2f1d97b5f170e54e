"""The organisation's picture as a matplotlib figure: the PNG export of a network.

:func:`network_figure` draws what :func:`sim.dashboard.network_chart.network_option` shows, on a
:class:`matplotlib.figure.Figure` with the Agg canvas (never pyplot, so no global state changes).
"""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle

from sim.dashboard.network_layout import ROW, Layout, aggregated_geometry
from sim.dashboard.network_style import (
    CELL_MIN,
    CELL_SPAN,
    COMMUNITY_COLOURS,
    COMMUNITY_LABELS,
    CROSS_COLOUR,
    EDGE_COLOUR,
    ENGAGEMENT_COLOURS,
    ENGAGEMENT_LABELS,
    HEADER_COLOUR,
    KNOWLEDGE_BIN_COLOURS,
    KNOWLEDGE_BINS,
    KNOWLEDGE_CMAP,
    KNOWLEDGE_EDGES,
    KNOWLEDGE_NORM,
    LINK_COLOUR,
    N_RUNGS,
    SPANNER_LABEL,
    TEXT_COLOUR,
    check_colour_by,
    community_size,
    knowledge_bin,
    person_size,
)
from sim.dashboard.network_week import (
    Week,
    cell_counts,
    community_places,
    members_by_division,
    subtitle,
    week_of,
)
from sim.engine.state import Status

__all__ = ["DPI", "network_figure"]


DPI = 120
_STYLE = {"font.size": 9, "legend.fontsize": 8, "figure.facecolor": "white",
          "savefig.facecolor": "white"}


def network_figure(model: Any, layout: Layout, colour_by: str = "engagement",
                   title: str = "") -> Figure:
    """The picture of the ECharts option as a matplotlib figure (for the PNG export).

    Drawn on a :class:`matplotlib.figure.Figure` with the Agg canvas, never pyplot, so no global
    state changes. Divisions are drawn as faint discs, labelled above.

    Args:
        model: A :class:`sim.engine.model.LearningModel` of the layout's organisation.
        layout: Its layout (:func:`~sim.dashboard.network_layout.compute_layout`).
        colour_by: ``"engagement"`` or ``"knowledge"``.
        title: Title of the figure.

    Returns:
        The figure; ``fig.savefig(buffer, format="png")`` writes the PNG.

    Raises:
        ValueError: For another ``colour_by``, or a layout of another organisation.
    """
    check_colour_by(colour_by)
    week = week_of(model, layout)
    knowledge = colour_by == "knowledge"
    with mpl.rc_context(_STYLE):
        fig = Figure(figsize=(9.0, 7.5), dpi=DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.02, 0.12, 0.82 if knowledge else 0.96, 0.78))
        ax.set_axis_off()
        if layout.aggregated:
            _draw_aggregated(ax, week, layout, knowledge)
        else:
            _draw_people(ax, week, layout, knowledge)
        ax.set_aspect("equal", adjustable="box")
        fig.suptitle(title, y=0.975, fontsize=12)
        fig.text(0.5, 0.925, subtitle(week, layout.n), ha="center", fontsize=9,
                 color="#555555")
        fig.legend(handles=_legend_handles(knowledge, layout.aggregated), loc="lower center",
                   ncol=4, frameon=False)
        if knowledge:
            cax = fig.add_axes((0.86, 0.3, 0.02, 0.4))
            scale = (mpl.cm.ScalarMappable(KNOWLEDGE_NORM, KNOWLEDGE_CMAP) if layout.aggregated
                     else mpl.cm.ScalarMappable(
                         BoundaryNorm(KNOWLEDGE_EDGES, KNOWLEDGE_BINS),
                         ListedColormap(KNOWLEDGE_BIN_COLOURS)))
            bar = fig.colorbar(scale, cax=cax)
            bar.set_label("knowledge (-1: all wrong, 1: all right)")
    return fig


def _legend_handles(knowledge: bool, aggregated: bool) -> list[Line2D]:
    def handle(marker: str, colour: str, label: str) -> Line2D:
        return Line2D([], [], ls="", marker=marker, markersize=7, markerfacecolor=colour,
                      markeredgecolor=EDGE_COLOUR if marker != "o" else colour, label=label)

    handles = ([] if knowledge else
               [handle("o", c, label) for label, c in zip(ENGAGEMENT_LABELS, ENGAGEMENT_COLOURS,
                                                          strict=True)])
    if not aggregated:
        handles.append(handle("D", "#555555", SPANNER_LABEL))
    handles += [handle("s", COMMUNITY_COLOURS[s], COMMUNITY_LABELS[s])
                for s in (Status.ACTIVE, Status.FORMING)]
    return handles


def _people_colours(week: Week, knowledge: bool) -> np.ndarray:
    if knowledge:
        # the page's colour classes, so that the export shows what the page shows
        return mpl.colors.to_rgba_array(KNOWLEDGE_BIN_COLOURS)[knowledge_bin(week.knowledge)]
    return np.asarray(mpl.colors.to_rgba_array(ENGAGEMENT_COLOURS))[week.engagement]


def _status_colours(week: Week) -> list[str]:
    return [COMMUNITY_COLOURS[Status(s)] for s in week.status.tolist()]


def _draw_people(ax: Any, week: Week, layout: Layout, knowledge: bool) -> None:
    """The person-by-person picture on ``ax``."""
    assert layout.xy is not None
    xy = layout.xy
    for d, ((cx, cy), r) in enumerate(zip(layout.centres.tolist(), layout.radius.tolist(),
                                          strict=True)):
        ax.add_patch(Circle((cx, cy), r * 1.06, facecolor="#f3f3f3", edgecolor="#dddddd",
                            lw=0.8, zorder=0))
        ax.text(cx, cy + r * 1.06 + 0.04, f"Division {d}", ha="center", va="bottom",
                fontsize=9, fontweight="bold", color=TEXT_COLOUR, zorder=5)
    if layout.links.size:
        colours = np.where(layout.cross[:, None], mpl.colors.to_rgba_array([CROSS_COLOUR]),
                           mpl.colors.to_rgba_array([LINK_COLOUR]))
        ax.add_collection(LineCollection(xy[layout.links], colors=colours, linewidths=0.35,
                                         alpha=0.45, zorder=1))
    colours = _people_colours(week, knowledge)
    spanner = np.zeros(layout.n, bool)
    spanner[list(layout.spanners)] = True
    size = (0.75 * person_size(layout.n)) ** 2
    ax.scatter(xy[~spanner, 0], xy[~spanner, 1], s=size, c=colours[~spanner], marker="o",
               linewidths=0, zorder=2)
    ax.scatter(xy[spanner, 0], xy[spanner, 1], s=size * 2.2, c=colours[spanner], marker="D",
               edgecolors=EDGE_COLOUR, linewidths=0.5, zorder=3)
    if week.live.size:
        place = community_places(week, layout)
        ax.scatter(place[:, 0], place[:, 1], s=(0.75 * community_size(week.sizes)) ** 2,
                   c=_status_colours(week), marker="s", edgecolors=EDGE_COLOUR,
                   linewidths=0.8, zorder=4)
    low = (layout.centres - layout.radius[:, None]).min(axis=0) - 0.1
    high = (layout.centres + layout.radius[:, None]).max(axis=0) + 0.25
    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])


def _draw_aggregated(ax: Any, week: Week, layout: Layout, knowledge: bool) -> None:
    """The aggregated picture on ``ax``."""
    n_div = layout.n_divisions
    count, mean = cell_counts(week, n_div)
    by_div = members_by_division(week, n_div)
    cells, header, places = aggregated_geometry(n_div, week.live.size)
    biggest = max(int(count.max()), 1)
    px = np.where(count > 0, CELL_MIN + CELL_SPAN * np.sqrt(count / biggest), 2.0).ravel()
    if knowledge:
        colours = KNOWLEDGE_CMAP(KNOWLEDGE_NORM(mean.ravel()))
        colours[count.ravel() == 0] = mpl.colors.to_rgba("#eeeeee")
    else:
        colours = np.asarray(mpl.colors.to_rgba_array(ENGAGEMENT_COLOURS))[
            np.tile(np.arange(N_RUNGS), n_div)]
    flat = cells.reshape(-1, 2)
    if week.live.size:
        j, d = np.nonzero(by_div)
        widths = 0.5 + 5.5 * by_div[j, d] / max(int(by_div.max()), 1)
        segments = np.stack([places[j], np.column_stack([d.astype(np.float64),
                                                         np.full(d.size, header)])], axis=1)
        ax.add_collection(LineCollection(segments, colors=LINK_COLOUR, linewidths=widths,
                                         alpha=0.5, zorder=1))
        ax.scatter(places[:, 0], places[:, 1], s=(0.75 * community_size(week.sizes)) ** 2,
                   c=_status_colours(week), marker="s", edgecolors=EDGE_COLOUR,
                   linewidths=0.8, zorder=4)
    ax.scatter(flat[:, 0], flat[:, 1], s=(0.75 * px) ** 2, c=colours, marker="o",
               edgecolors="#999999", linewidths=0.4, zorder=2)
    for d, people in enumerate(count.sum(axis=1).tolist()):
        ax.text(d, header, f"Division {d}\n{people} people", ha="center", va="center",
                fontsize=8, color="#ffffff", zorder=5,
                bbox={"boxstyle": "round,pad=0.3", "facecolor": HEADER_COLOUR, "lw": 0})
    for r, label in enumerate(ENGAGEMENT_LABELS):
        ax.text(-0.5, r * ROW, label, ha="right", va="center", fontsize=8,
                color=TEXT_COLOUR)
    ax.set_xlim(-1.4, n_div - 0.4)
    ax.set_ylim(-0.6, header + 2.2 * ROW)
