"""One frame of the live race: everything the page draws, computed in one go.

:func:`build_frame` copies the race's series and draws both organisations under the race's lock
(a consistent picture of one week), then builds the charts outside it, and serialises every
chart to the JSON the browser gets. It is what the page's frame loop calls and what
``benchmarks/bench_dashboard.py`` times.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.dashboard.bands import Bands
from sim.dashboard.charts import Chart, echarts_option, gap_chart, race_charts
from sim.dashboard.echarts import option_json
from sim.dashboard.explain import verdict
from sim.dashboard.network import Layout, network_option
from sim.dashboard.race import Race, Snapshot

__all__ = ["Frame", "build_frame", "scoreboard"]


@dataclass(frozen=True)
class Frame:
    """What the page shows for one week of the race.

    Attributes:
        snapshot: The race's series up to this week.
        charts: The KPI charts (A and B on the same axes).
        gap: The gap chart A − B.
        options: ECharts options of ``charts`` then ``gap``, in that order, as JSON text.
        networks: ECharts options of the organisation under A and under B, as JSON text.
        verdict: The verdict in words.
        scoreboard: One line: the week and each strategy's participation.
    """

    snapshot: Snapshot
    charts: list[Chart]
    gap: Chart
    options: list[str]
    networks: tuple[str, str]
    verdict: str
    scoreboard: str


def scoreboard(snapshot: Snapshot) -> str:
    """``Week 12 of 104: taking part: A 23.0% · B 41.0%; contributing ...`` in one line."""
    a, b = snapshot.strategies
    parts = []
    for kpi, what in (("participating_share", "taking part"),
                      ("contributing_share", "contributing")):
        x, y = (float(s[kpi][-1]) for s in snapshot.series)
        parts.append(f"{what}: {a} {x:.1%} · {b} {y:.1%}")
    return f"Week {snapshot.week} of {snapshot.steps} — " + "; ".join(parts)


def build_frame(race: Race, layout: Layout, *, colour_by: str = "engagement",
                gap_kpi: str = "participating_share", bands: Bands | None = None) -> Frame:
    """Build the frame of the race's current week.

    Args:
        race: The race.
        layout: The organisation's layout (:func:`sim.dashboard.network.compute_layout`).
        colour_by: ``"engagement"`` or ``"knowledge"``.
        gap_kpi: KPI of the gap chart.
        bands: Finished background replications, drawn behind the live lines.
    """
    with race.lock:
        snapshot = race.snapshot()
        networks = tuple(network_option(model, layout, colour_by, title=name)
                         for model, name in zip(race.models, race.strategies, strict=True))
    networks = tuple(option_json(option) for option in networks)
    charts = race_charts(snapshot, bands)
    gap = gap_chart(snapshot, gap_kpi, bands)
    options = [option_json(echarts_option(chart)) for chart in [*charts, gap]]
    return Frame(snapshot, charts, gap, options, networks,  # type: ignore[arg-type]
                 verdict(snapshot, bands), scoreboard(snapshot))
