"""The leaders' dashboard: a Solara page over the library (``orglearn dashboard`` serves it).

Two tabs:

- **Live race** (:mod:`sim.dashboard.race_tab`) — strategy A and B on one organisation with one
  seed, stepped in lock-step by a :class:`sim.dashboard.race.Player` in a thread of its own; a
  frame loop draws the latest week at most every :data:`FRAME_SECONDS`, so the models never
  wait for the charts. Controls are generated from the parameter schema
  (:mod:`sim.dashboard.race_controls`, :mod:`sim.dashboard.controls`).
- **Results** (:mod:`sim.dashboard.results_tab`) — a folder written by ``orglearn compare`` or
  ``orglearn sweep``: its verdict, summary table and figures (:mod:`sim.dashboard.results_view`).

What the user picked lives in :mod:`sim.dashboard.page_state`. The page holds no model logic:
every number comes from the library.
"""

from __future__ import annotations

import solara
import solara.lab

from sim.dashboard import page_state as state
from sim.dashboard.race_tab import FRAME_SECONDS, RaceTab
from sim.dashboard.results_tab import ResultsTab
from sim.dashboard.widgets import Prose

__all__ = ["FRAME_SECONDS", "Page"]


@solara.component
def Page() -> None:
    """The dashboard."""
    solara.Title("orglearn — how learning spreads")
    solara.Style(".orglearn-prose table { border-collapse: collapse; font-size: 0.85rem; }"
                 ".orglearn-prose td, .orglearn-prose th { border: 1px solid #ddd; "
                 "padding: 2px 6px; }")
    with solara.Column(style={"padding": "12px"}):
        Prose("# orglearn: start with small groups, or start organisation-wide?")
        with solara.lab.Tabs(value=state.tab):
            with solara.lab.Tab("Live race"):
                RaceTab()
            with solara.lab.Tab("Results"):
                ResultsTab()
