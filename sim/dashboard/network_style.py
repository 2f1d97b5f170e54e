"""How the organisation's picture looks: its colours, symbols, labels and symbol sizes.

Shared by the ECharts option (:mod:`sim.dashboard.network_chart`) and the matplotlib figure
(:mod:`sim.dashboard.network_figure`), so that the PNG export shows what the page shows.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.colors import LinearSegmentedColormap, Normalize, to_hex

from sim.engine.state import Status

__all__ = [
    "CELL_MIN",
    "CELL_SPAN",
    "COLOUR_BY",
    "COMMUNITY_COLOURS",
    "COMMUNITY_LABELS",
    "COMMUNITY_SYMBOL",
    "CROSS_COLOUR",
    "EDGE_COLOUR",
    "ENGAGEMENT_COLOURS",
    "ENGAGEMENT_LABELS",
    "HEADER_COLOUR",
    "KNOWLEDGE_BINS",
    "KNOWLEDGE_BIN_COLOURS",
    "KNOWLEDGE_BIN_LABELS",
    "KNOWLEDGE_CMAP",
    "KNOWLEDGE_COLOURS",
    "KNOWLEDGE_EDGES",
    "KNOWLEDGE_NORM",
    "LINK_COLOUR",
    "N_RUNGS",
    "SPANNER_COLOUR",
    "SPANNER_LABEL",
    "SPANNER_SYMBOL",
    "TEXT_COLOUR",
    "check_colour_by",
    "community_size",
    "knowledge_bin",
    "person_size",
]


COLOUR_BY = ("engagement", "knowledge")
"""What the people's colour can show."""

ENGAGEMENT_LABELS = ("not aware", "aware", "lurker", "contributor", "champion")
"""The rungs of the engagement ladder in words, in the order of
:class:`sim.engine.state.Engagement`."""

ENGAGEMENT_COLOURS = ("#d0d0d0", "#a6cee3", "#1f78b4", "#f28e2b", "#b2182b")
"""Colour of each rung: grey for not aware, blues for looking on, warm for taking an active part."""

KNOWLEDGE_COLOURS = ("#762a83", "#c8c8c8", "#1b7837")
"""Knowledge from -1 (all beliefs wrong, purple) through 0 (grey) to 1 (all right, green)."""

KNOWLEDGE_BINS = 7
"""Colour classes of knowledge in the ECharts picture: equal bins from -1 to 1."""

SPANNER_LABEL = "boundary spanner"
SPANNER_SYMBOL = "diamond"
COMMUNITY_SYMBOL = "rect"
COMMUNITY_LABELS = {Status.ACTIVE: "active community", Status.FORMING: "forming community"}
COMMUNITY_COLOURS = {Status.ACTIVE: "#e6ab02", Status.FORMING: "#fff2ae"}

CELL_MIN, CELL_SPAN = 6.0, 36.0
"""Symbol size (px) of the aggregated view's cells: from the smallest to the fullest cell."""
LINK_COLOUR = "#9a9a9a"
CROSS_COLOUR = "#e08a3c"
TEXT_COLOUR = "#333333"
EDGE_COLOUR = "#222222"
HEADER_COLOUR = "#6b6b6b"
SPANNER_COLOUR = "#555555"
N_RUNGS = len(ENGAGEMENT_LABELS)
KNOWLEDGE_CMAP = LinearSegmentedColormap.from_list("knowledge", KNOWLEDGE_COLOURS)
KNOWLEDGE_NORM = Normalize(-1.0, 1.0)
KNOWLEDGE_EDGES = np.linspace(-1.0, 1.0, KNOWLEDGE_BINS + 1)
KNOWLEDGE_BIN_COLOURS = tuple(to_hex(KNOWLEDGE_CMAP(KNOWLEDGE_NORM(v)))
                               for v in np.linspace(-1.0, 1.0, KNOWLEDGE_BINS).tolist())
"""Colour of each knowledge bin: evenly spread over the colour map, from its purple end (-1) to
its green end (1), so that neighbouring bins differ as much as they can."""


def _short(value: float) -> str:
    """``-1``, ``-0.71``, ``0.14``: two decimals at most, no trailing zeros, no ``-0``."""
    text = f"{value + 0.0:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


KNOWLEDGE_BIN_LABELS = tuple(
    f"{'knowledge ' if lo == -1.0 else ''}{_short(lo)} to {_short(hi)}"
    for lo, hi in zip(KNOWLEDGE_EDGES[:-1].tolist(), KNOWLEDGE_EDGES[1:].tolist(), strict=True))
"""``knowledge -1 to -0.71``, ``-0.71 to -0.43``, ..., ``0.71 to 1``: the legend's words."""


def community_size(members: np.ndarray) -> np.ndarray:
    """Symbol size (px) of a community: grows with the square root of its members."""
    return np.minimum(6.0 + 1.5 * np.sqrt(members), 28.0)


def person_size(n: int) -> float:
    """Symbol size (px) of a person: smaller in larger organisations."""
    return float(min(8.0, max(4.0, round(16.0 - 3.3 * math.log10(max(n, 1))))))


def check_colour_by(colour_by: str) -> None:
    """Refuse a ``colour_by`` other than those of :data:`COLOUR_BY`, in one line.

    Raises:
        ValueError: For another value.
    """
    if colour_by not in COLOUR_BY:
        raise ValueError(f"colour_by = {colour_by!r} is not allowed; allowed: one of "
                         + ", ".join(repr(c) for c in COLOUR_BY))


def knowledge_bin(knowledge: np.ndarray) -> np.ndarray:
    """The colour class ``0..KNOWLEDGE_BINS-1`` of each knowledge score (-1 to 1)."""
    inner = KNOWLEDGE_EDGES[1:-1]
    return np.searchsorted(inner, np.asarray(knowledge, dtype=np.float64), side="right")
