"""The live race tab: strategy A and B stepped side by side, drawn frame by frame.

A :class:`sim.dashboard.race.Player` steps both models in lock-step in a thread of its own; a
frame loop (:func:`frame_loop`) draws the latest week at most every :data:`FRAME_SECONDS`, so
the models never wait for the charts. Only the components that read the frame (toolbar,
status, the charts and networks) draw again when a new frame arrives.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable

import solara

from sim.dashboard import page_state as state
from sim.dashboard.bands import BandJob
from sim.dashboard.charts import CHARTS, GAP_KPIS, Chart, csv_text, png_bytes
from sim.dashboard.controls import SOURCE, apply_edits
from sim.dashboard.echarts import Echarts
from sim.dashboard.explain import strategy_text
from sim.dashboard.frames import Frame, build_frame
from sim.dashboard.network import Layout, compute_layout, network_figure, network_table
from sim.dashboard.race import Player, Race
from sim.dashboard.race_controls import ControlsPanel
from sim.dashboard.widgets import Prose, csv_download, png_download, rows_csv
from sim.engine.limits import check_run_memory
from sim.errors import ParameterError, ScenarioError

__all__ = ["FRAME_SECONDS", "SPEEDS", "LiveRace", "RaceTab", "frame_loop"]

FRAME_SECONDS = 0.05
"""Shortest time between two frames (at most 20 frames a second)."""

SPEEDS = (1, 2, 5, 10, 20, 50)
"""Weeks per second the play button can run at."""


@solara.component
def Exports(chart: Callable[[], Chart]) -> None:
    """PNG and CSV buttons for the chart ``chart()`` returns when clicked (the frame shown)."""
    key = chart().key
    png_download(lambda: png_bytes(chart()), f"{key}.png")
    csv_download(lambda: csv_text(chart()), f"{key}.csv")


@solara.component
def ChartView(frame: solara.Reactive[Frame], index: int, height: int = 300) -> None:
    """Chart ``index`` of the frame (the gap chart for -1): the part that changes each frame."""
    shown = frame.value
    chart = shown.gap if index == -1 else shown.charts[index]
    Echarts(shown.options[index], {"style": f"height: {height}px;", "data-chart": chart.key})
    solara.Text(chart.help, style={"font-size": "0.75rem", "color": "#555"})


@solara.component
def ChartCard(frame: solara.Reactive[Frame], index: int, height: int = 300) -> None:
    """A chart, what it shows, and its exports."""

    def chart() -> Chart:
        shown = frame.peek()
        return shown.gap if index == -1 else shown.charts[index]

    with solara.Card(margin=0, style={"padding": "4px"}):
        ChartView(frame, index, height)
        with solara.Row(justify="end"):
            Exports(chart)


@solara.component
def NetworkView(frame: solara.Reactive[Frame], index: int) -> None:
    """The organisation under strategy ``index`` in this frame."""
    Echarts(frame.value.networks[index], {"style": "height: 420px;",
                                          "data-chart": f"network-{'ab'[index]}"})


@solara.component
def NetworkCard(frame: solara.Reactive[Frame], race: Race, layout: Layout, index: int) -> None:
    """The organisation under one strategy, with its exports."""
    name = race.strategies[index]
    key = f"network-{'ab'[index]}"

    def picture() -> bytes:
        buffer = io.BytesIO()
        with race.lock:
            fig = network_figure(race.models[index], layout, state.colour_by.value,
                                 title=name)
        fig.savefig(buffer, format="png")
        return buffer.getvalue()

    def table() -> str:
        with race.lock:
            return rows_csv(list(network_table(race.models[index], layout)))

    with solara.Card(margin=0, style={"padding": "4px"}):
        NetworkView(frame, index)
        with solara.Row(style={"align-items": "center"}):
            solara.Text(f"The organisation under {name}.", style={"font-size": "0.75rem",
                                                                  "flex": "1"})
            png_download(picture, f"{key}.png")
            csv_download(table, f"{key}.csv")


@solara.component
def Toolbar(race: Race, player: Player, frame: solara.Reactive[Frame]) -> None:
    """Step, play/pause, speed, reset and run to the end, and the scoreboard."""
    shown = frame.value
    done = shown.snapshot.done

    def play_pause() -> None:
        if player.playing:
            player.pause()
        else:
            player.speed = float(state.speed.value)
            player.play()

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button("Step", icon_name="mdi-skip-next", on_click=lambda: race.step(1),
                      disabled=done or player.playing)
        solara.Button("Pause" if player.playing else "Play", on_click=play_pause,
                      icon_name="mdi-pause" if player.playing else "mdi-play",
                      color="primary", disabled=done)
        solara.Button("Run to the end", icon_name="mdi-fast-forward",
                      on_click=player.run_to_end, disabled=done)
        solara.Button("Reset", icon_name="mdi-restart",
                      on_click=lambda: (player.stop(), race.reset()))
        solara.Select("Speed (weeks per second)", value=state.speed, values=list(SPEEDS),
                      on_value=lambda v: setattr(player, "speed", float(v)),
                      style={"max-width": "220px"})
    solara.Text(shown.scoreboard, classes=["orglearn-scoreboard"],
                style={"font-weight": "bold"})


@solara.component
def Status(player: Player, job: BandJob | None, frame: solara.Reactive[Frame]) -> None:
    """Errors, the bands' progress and the verdict."""
    shown = frame.value
    if player.error is not None:
        solara.Error(f"The race stopped: {player.error}")
    if job is not None:
        if job.error:
            solara.Error(f"The replications stopped: {job.error}")
        elif not job.done:
            solara.Text(f"Bands: {job.finished} of {job.total} runs done…")
            solara.ProgressLinear(100 * job.finished / max(1, job.total))
    solara.Info(shown.verdict, icon=False, classes=["orglearn-verdict"])


@solara.component
def StrategiesPanel(race: Race) -> None:
    """What strategy A and B do, in the registry's own words."""
    with solara.Details("What do A and B do?", expand=False):
        for letter, name in zip("AB", race.strategies, strict=True):
            summary, how = strategy_text(name)
            Prose(f"**{letter}: `{name}`** — {summary}  \n{how}")
        Prose(
            "Both run on the same organisation with the same seed: everything that is chance "
            "— who hears first, who leaves, who has which idea — starts the same, so the "
            "difference between the lines is the strategy's doing (common random numbers). "
            "Each line is `orglearn run` of its strategy with this seed.")


@solara.component
def LiveRace(name: str, race: Race, player: Player, job: BandJob | None) -> None:
    """The race: toolbar, verdict, networks, gap chart and KPI charts.

    Only the components that read the frame (toolbar, status, the charts) draw again when a
    new frame arrives; this one, the controls and the export buttons do not.
    """
    org = race.org
    solara.Text(f"{name}: {org.n:,} people in {org.n_divisions} divisions, seed {race.seed}, "
                f"{race.steps} weeks.", classes=["orglearn-organisation"])
    layout = solara.use_memo(lambda: compute_layout(race.org, race.seed), [race])

    def first_frame() -> solara.Reactive[Frame]:
        return solara.reactive(build_frame(race, layout, colour_by=state.colour_by.peek(),
                                           gap_kpi=state.gap_kpi.peek()))

    frame = solara.use_memo(first_frame, [race, layout])

    def loop(cancel: threading.Event) -> None:
        frame_loop(race, player, job, layout, frame.set, cancel)

    # Not intrusive: an intrusive cancel traces every line the loop runs, rendering included.
    solara.use_thread(loop, dependencies=[race, player, job, layout, state.colour_by.value,
                                          state.gap_kpi.value], intrusive_cancel=False)
    Toolbar(race, player, frame)
    Status(player, job, frame)
    StrategiesPanel(race)
    with solara.Row(style={"align-items": "center"}):
        Prose("### The organisation")
        solara.Select("Colour people by", value=state.colour_by,
                      values=["engagement", "knowledge"], style={"max-width": "220px"})
    if layout.aggregated:  # a grid of divisions x engagement: it needs the full width
        NetworkCard(frame, race, layout, 0)
        NetworkCard(frame, race, layout, 1)
    else:
        with solara.Columns([1, 1]):
            NetworkCard(frame, race, layout, 0)
            NetworkCard(frame, race, layout, 1)
    with solara.Row(style={"align-items": "center"}):
        Prose("### Who is ahead?")
        solara.Select("Gap in", value=state.gap_kpi, values=list(GAP_KPIS),
                      style={"max-width": "260px"})
    ChartCard(frame, -1, height=320)
    Prose("### A and B week by week")
    for row in range(0, len(CHARTS), 2):
        with solara.Columns([1, 1]):
            for index in range(row, min(row + 2, len(CHARTS))):
                ChartCard(frame, index)


def frame_loop(race: Race, player: Player, job: BandJob | None, layout: Layout,
               set_frame: Callable[[Frame], None], cancel: threading.Event) -> None:
    """Draw a new frame as soon as the race (or the bands) changed, at most every FRAME_SECONDS.

    Runs in a thread of its own: the player steps the models in another, so a slow frame only
    means fewer frames, never a slower race. It wakes up the moment a week has been stepped.
    """
    drawn, version, last = None, -1, 0.0
    while not cancel.is_set():
        bands = job.bands() if job is not None and job.done else None
        seen = (version, player.playing, player.error is not None,
                job.finished if job is not None else -1, job.error if job else None)
        if seen != drawn:
            time.sleep(max(0.0, last + FRAME_SECONDS - time.perf_counter()))
            drawn, last = seen, time.perf_counter()
            set_frame(build_frame(race, layout, colour_by=state.colour_by.value,
                                  gap_kpi=state.gap_kpi.value, bands=bands))
        version = race.wait_for_change(version, FRAME_SECONDS)


@solara.component
def RaceTab() -> None:
    """Controls on the left, the race on the right."""
    preset = state.current_preset()
    base, problem = None, None
    if preset is None:
        problem = "No scenario files found (scenarios/*.toml)."
    else:
        try:
            base = preset.load()
        except (ParameterError, ScenarioError) as error:
            problem = str(error)
    edits = apply_edits(base, state.typed.value) if base is not None else None
    params = edits.params if edits is not None else None
    pair = (state.strategy_a.value, state.strategy_b.value)
    if pair[0] == pair[1]:
        problem = "Strategy A and B are the same: pick two different strategies to race."
    key = repr(sorted(params.values.items())) if params is not None else ""

    def make_race() -> tuple[Race | None, str | None]:
        if params is None or pair[0] == pair[1]:
            return None, None
        try:  # both models live in this process: refuse what would not fit, in words
            check_run_memory(SOURCE, [params], workers=2)
            return Race(params, pair), None
        except ParameterError as error:
            return None, str(error)

    race, refused = solara.use_memo(make_race, [key, pair])
    problem = problem or refused
    player = solara.use_memo(lambda: Player(race, float(state.speed.value)) if race else None,
                             [race])
    solara.use_effect(lambda: (lambda: player.stop()) if player else None, [player])
    reps = state.replications() if state.bands_on.value else None

    def make_job() -> BandJob | None:
        return BandJob(race.params, race.strategies, reps).start() if race and reps else None

    job = solara.use_memo(make_job, [race, reps])
    solara.use_effect(lambda: (lambda: job.cancel()) if job else None, [job])
    with solara.Columns([1, 3]):
        with solara.Column():
            ControlsPanel(base, edits.errors if edits else {}, edits.locked if edits else {})
            if state.bands_on.value and reps is None:
                solara.Error("Paired replications: allowed: an integer in [2, 1000].")
        with solara.Column():
            if problem:
                solara.Error(problem)
            if race is not None and player is not None:
                LiveRace(preset.name, race, player, job).key(f"race-{id(race)}-{id(job)}")
