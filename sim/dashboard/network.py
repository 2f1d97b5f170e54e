"""The organisation drawn as a network: who is engaged, what they know, where communities sit.

Three renderings of one picture, like the race's charts (:mod:`sim.dashboard.charts`):
:func:`network_option` is the ECharts option the browser draws for the current week,
:func:`network_figure` the same picture as a matplotlib figure (the PNG export), and
:func:`network_table` the data behind it (the CSV export). Where people are drawn is worked out
once per organisation by :func:`compute_layout` and never changes during a run, so that from
one week to the next only the colours move. Above :data:`AGGREGATE_ABOVE` people no one is drawn
on their own: the picture is then a grid of divisions (columns) by engagement rungs (rows), each
cell sized by its headcount, with the live communities above it, linked to the divisions their
members come from.

Divisions are numbered from 0, as in every other result of the library (``knowledge_div_0``).

This module is the public face of the picture; each job is a module of its own:
:mod:`sim.dashboard.network_layout` (where people are drawn, and which ties),
:mod:`sim.dashboard.network_week` (what the current week shows), :mod:`sim.dashboard.network_style`
(colours, symbols and labels), :mod:`sim.dashboard.network_chart` (the ECharts option),
:mod:`sim.dashboard.network_figure` (the matplotlib figure) and
:mod:`sim.dashboard.network_table` (the table).
"""

from __future__ import annotations

from sim.dashboard.network_chart import network_option
from sim.dashboard.network_figure import network_figure
from sim.dashboard.network_layout import AGGREGATE_ABOVE, Layout, compute_layout
from sim.dashboard.network_style import (
    COLOUR_BY,
    ENGAGEMENT_COLOURS,
    ENGAGEMENT_LABELS,
    KNOWLEDGE_BINS,
    KNOWLEDGE_COLOURS,
    SPANNER_LABEL,
    SPANNER_SYMBOL,
)
from sim.dashboard.network_table import network_table

__all__ = [
    "AGGREGATE_ABOVE",
    "COLOUR_BY",
    "ENGAGEMENT_COLOURS",
    "ENGAGEMENT_LABELS",
    "KNOWLEDGE_BINS",
    "KNOWLEDGE_COLOURS",
    "SPANNER_LABEL",
    "SPANNER_SYMBOL",
    "Layout",
    "compute_layout",
    "network_figure",
    "network_option",
    "network_table",
]
