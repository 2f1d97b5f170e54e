"""The leaders' dashboard: a Solara page over the library (``orglearn dashboard`` serves it).

Two tabs:

- **Live race** — strategy A and B on one organisation with one seed, stepped in lock-step by a
  :class:`sim.dashboard.race.Player` in a thread of its own; a frame loop (:func:`_frame_loop`)
  draws the latest week at most every :data:`FRAME_SECONDS`, so the models never wait for the
  charts. Controls are generated from the parameter schema (:mod:`sim.dashboard.controls`).
- **Results** — a folder written by ``orglearn compare`` or ``orglearn sweep``: its verdict,
  summary table and figures (:mod:`sim.dashboard.results_view`).

The page holds no model logic: every number comes from the library.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import markdown
import solara
import solara.lab

from sim.dashboard.bands import BandJob
from sim.dashboard.charts import CHARTS, GAP_KPIS, Chart, csv_text, png_bytes
from sim.dashboard.controls import SOURCE, Control, apply_edits, controls, shown_value
from sim.dashboard.echarts import Echarts
from sim.dashboard.explain import strategy_text
from sim.dashboard.frames import Frame, build_frame
from sim.dashboard.network import compute_layout, network_figure, network_table
from sim.dashboard.presets import Preset, find_presets
from sim.dashboard.race import DEFAULT_STRATEGIES, Player, Race
from sim.dashboard.results_view import ResultsError, cell_text, find_results, open_results
from sim.dashboard.server import settings_from_environment
from sim.engine.limits import check_run_memory
from sim.engine.params import Params
from sim.engine.strategies import STRATEGIES
from sim.errors import ParameterError, ScenarioError

__all__ = ["FRAME_SECONDS", "Page"]

FRAME_SECONDS = 0.05
"""Shortest time between two frames (at most 20 frames a second)."""

SPEEDS = (1, 2, 5, 10, 20, 50)
"""Weeks per second the play button can run at."""

settings = settings_from_environment()
presets: list[Preset] = find_presets(settings.scenario)
_first = next((p for p in presets if settings.scenario is None and p.name == "default"),
              presets[0] if presets else None)

preset_name = solara.reactive(_first.name if _first else "")
strategy_a = solara.reactive(DEFAULT_STRATEGIES[0])
strategy_b = solara.reactive(DEFAULT_STRATEGIES[1])
typed = solara.reactive({})
colour_by = solara.reactive("engagement")
gap_kpi = solara.reactive("participating_share")
bands_on = solara.reactive(False)
replications_text = solara.reactive("20")
speed = solara.reactive(10)
tab = solara.reactive(1 if settings.results is not None else 0)


def _preset() -> Preset | None:
    return next((p for p in presets if p.name == preset_name.value), None)


def _png_download(render, filename: str) -> solara.Element:
    return solara.FileDownload(render, filename=filename, label="PNG",
                               mime_type="image/png", icon_name="mdi-image")


def _csv_download(render, filename: str) -> solara.Element:
    return solara.FileDownload(render, filename=filename, label="CSV",
                               mime_type="text/csv", icon_name="mdi-table")


def _rows_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


@lru_cache(maxsize=256)
def _html(text: str) -> str:
    return markdown.markdown(text, extensions=["tables"])


@solara.component
def Prose(text: str) -> None:
    """Markdown rendered on the server (Solara's own Markdown needs KaTeX, not in its assets)."""
    solara.HTML(tag="div", unsafe_innerHTML=_html(text), classes=["orglearn-prose"])


# ---------------------------------------------------------------------------- controls


@solara.component
def ControlField(control: Control, base: Params, errors: dict[str, str],
                 locked: dict[str, str]) -> None:
    """One schema parameter as a control, with the schema's message when a value is refused."""
    key = control.key
    value = typed.value.get(key, shown_value(base, key))

    def set_value(new) -> None:
        typed.set({**typed.value, key: new})

    if key in locked:
        solara.InputText(control.label, value=str(base[key]), disabled=True,
                         message=locked[key])
    elif control.widget == "switch":
        solara.Switch(label=control.label, value=bool(value), on_value=set_value)
        solara.Text(errors.get(key, control.param.help),
                    style={"font-size": "0.75rem", "color": "#b00020" if key in errors
                           else "#666"})
    elif control.widget == "select":
        solara.Select(control.label, value=str(value), values=list(control.param.choices),
                      on_value=set_value)
    else:
        solara.InputText(control.label, value=str(value), on_value=set_value,
                         error=errors.get(key, False), message=errors.get(key, control.hint))


@solara.component
def ControlsPanel(base: Params | None, errors: dict[str, str], locked: dict[str, str]) -> None:
    """Preset, strategies, the organisation's parameters and the bands."""
    names = list(STRATEGIES)
    solara.Select("Preset (scenario)", value=preset_name, values=[p.name for p in presets],
                  on_value=lambda _: typed.set({}))
    preset = _preset()
    if preset is not None and preset.description:
        solara.Text(preset.description, style={"font-size": "0.8rem", "color": "#555"})
    solara.Select("Strategy A", value=strategy_a, values=names)
    solara.Select("Strategy B", value=strategy_b, values=names)
    if base is None:
        return
    with solara.Details("Organisation, culture and rollout", expand=True):
        for control in controls():
            ControlField(control, base, errors, locked)
        if typed.value:
            solara.Button("Back to the preset's values", text=True,
                          on_click=lambda: typed.set({}))
    solara.Switch(label="Bands: replications in the background", value=bands_on)
    if bands_on.value:
        solara.InputText("Paired replications (R)", value=replications_text,
                         message="Each replication runs A and B on a new seed, as "
                                 "orglearn compare does.")


# ---------------------------------------------------------------------------- live race


@solara.component
def Exports(chart: Callable[[], Chart]) -> None:
    """PNG and CSV buttons for the chart ``chart()`` returns when clicked (the frame shown)."""
    key = chart().key
    _png_download(lambda: png_bytes(chart()), f"{key}.png")
    _csv_download(lambda: csv_text(chart()), f"{key}.csv")


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
def NetworkCard(frame: solara.Reactive[Frame], race: Race, layout, index: int) -> None:
    """The organisation under one strategy, with its exports."""
    name = race.strategies[index]
    key = f"network-{'ab'[index]}"

    def picture() -> bytes:
        buffer = io.BytesIO()
        with race.lock:
            fig = network_figure(race.models[index], layout, colour_by.value, title=name)
        fig.savefig(buffer, format="png")
        return buffer.getvalue()

    def table() -> str:
        with race.lock:
            return _rows_csv(list(network_table(race.models[index], layout)))

    with solara.Card(margin=0, style={"padding": "4px"}):
        NetworkView(frame, index)
        with solara.Row(style={"align-items": "center"}):
            solara.Text(f"The organisation under {name}.", style={"font-size": "0.75rem",
                                                                  "flex": "1"})
            _png_download(picture, f"{key}.png")
            _csv_download(table, f"{key}.csv")


@solara.component
def Toolbar(race: Race, player: Player, frame: solara.Reactive[Frame]) -> None:
    """Step, play/pause, speed, reset and run to the end, and the scoreboard."""
    shown = frame.value
    done = shown.snapshot.done

    def play_pause() -> None:
        if player.playing:
            player.pause()
        else:
            player.speed = float(speed.value)
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
        solara.Select("Speed (weeks per second)", value=speed, values=list(SPEEDS),
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
        return solara.reactive(build_frame(race, layout, colour_by=colour_by.peek(),
                                           gap_kpi=gap_kpi.peek()))

    frame = solara.use_memo(first_frame, [race, layout])

    def frame_loop(cancel: threading.Event) -> None:
        _frame_loop(race, player, job, layout, frame.set, cancel)

    # Not intrusive: an intrusive cancel traces every line the loop runs, rendering included.
    solara.use_thread(frame_loop, dependencies=[race, player, job, layout, colour_by.value,
                                                gap_kpi.value], intrusive_cancel=False)
    Toolbar(race, player, frame)
    Status(player, job, frame)
    StrategiesPanel(race)
    with solara.Row(style={"align-items": "center"}):
        Prose("### The organisation")
        solara.Select("Colour people by", value=colour_by, values=["engagement", "knowledge"],
                      style={"max-width": "220px"})
    if layout.aggregated:  # a grid of divisions x engagement: it needs the full width
        NetworkCard(frame, race, layout, 0)
        NetworkCard(frame, race, layout, 1)
    else:
        with solara.Columns([1, 1]):
            NetworkCard(frame, race, layout, 0)
            NetworkCard(frame, race, layout, 1)
    with solara.Row(style={"align-items": "center"}):
        Prose("### Who is ahead?")
        solara.Select("Gap in", value=gap_kpi, values=list(GAP_KPIS),
                      style={"max-width": "260px"})
    ChartCard(frame, -1, height=320)
    Prose("### A and B week by week")
    for row in range(0, len(CHARTS), 2):
        with solara.Columns([1, 1]):
            for index in range(row, min(row + 2, len(CHARTS))):
                ChartCard(frame, index)


def _frame_loop(race: Race, player: Player, job: BandJob | None, layout, set_frame,
                cancel: threading.Event) -> None:
    """Draw a new frame as soon as the race (or the bands) changed, at most every FRAME_SECONDS.

    Runs in a thread of its own: the player steps the models in another, so a slow frame only
    means fewer frames, never a slower race. It wakes up the moment a week has been stepped.
    """
    drawn, version, last = None, -1, 0.0
    while not cancel.is_set():
        bands = job.bands() if job is not None and job.done else None
        state = (version, player.playing, player.error is not None,
                 job.finished if job is not None else -1, job.error if job else None)
        if state != drawn:
            time.sleep(max(0.0, last + FRAME_SECONDS - time.perf_counter()))
            drawn, last = state, time.perf_counter()
            set_frame(build_frame(race, layout, colour_by=colour_by.value,
                                  gap_kpi=gap_kpi.value, bands=bands))
        version = race.wait_for_change(version, FRAME_SECONDS)


def _replications() -> int | None:
    try:
        value = int(replications_text.value)
    except ValueError:
        return None
    return value if 2 <= value <= 1000 else None


@solara.component
def RaceTab() -> None:
    """Controls on the left, the race on the right."""
    preset = _preset()
    base, problem = None, None
    if preset is None:
        problem = "No scenario files found (scenarios/*.toml)."
    else:
        try:
            base = preset.load()
        except (ParameterError, ScenarioError) as error:
            problem = str(error)
    edits = apply_edits(base, typed.value) if base is not None else None
    params = edits.params if edits is not None else None
    pair = (strategy_a.value, strategy_b.value)
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
    player = solara.use_memo(lambda: Player(race, float(speed.value)) if race else None, [race])
    solara.use_effect(lambda: (lambda: player.stop()) if player else None, [player])
    reps = _replications() if bands_on.value else None

    def make_job() -> BandJob | None:
        return BandJob(race.params, race.strategies, reps).start() if race and reps else None

    job = solara.use_memo(make_job, [race, reps])
    solara.use_effect(lambda: (lambda: job.cancel()) if job else None, [job])
    with solara.Columns([1, 3]):
        with solara.Column():
            ControlsPanel(base, edits.errors if edits else {}, edits.locked if edits else {})
            if bands_on.value and reps is None:
                solara.Error("Paired replications: allowed: an integer in [2, 1000].")
        with solara.Column():
            if problem:
                solara.Error(problem)
            if race is not None and player is not None:
                LiveRace(preset.name, race, player, job).key(f"race-{id(race)}-{id(job)}")


# ---------------------------------------------------------------------------- results


@solara.component
def ResultsTab() -> None:
    """A results folder written by orglearn compare or orglearn sweep."""
    found = solara.use_memo(lambda: [str(p) for p in find_results(Path("results"))], [])
    found = list(found)
    if settings.results is not None and str(settings.results) not in found:
        found.insert(0, str(settings.results))
    chosen = solara.use_reactive(found[0] if found else "")
    if not found:
        solara.Info("No results folders found under results/: run orglearn compare or "
                    "orglearn sweep, or start the dashboard with --results DIR.")
        return
    solara.Select("Results folder", value=chosen, values=found)
    try:
        folder = open_results(Path(chosen.value))
    except ResultsError as error:
        solara.Error(str(error))
        return
    Prose(f"## {folder.title} ({folder.kind})")
    if folder.description:
        solara.Text(folder.description)
    with solara.Card("Verdict", classes=["orglearn-results-verdict"]):
        for sentence in folder.verdict:
            Prose(sentence)
    for caption, path in folder.figures:
        with solara.Card(caption):
            solara.Image(str(path), width="100%")
    if folder.summary_rows:
        with solara.Details("Summary table", expand=False):
            header = "| " + " | ".join(folder.summary_header) + " |"
            rule = "| " + " | ".join("---" for _ in folder.summary_header) + " |"
            body = "\n".join("| " + " | ".join(cell_text(c) for c in row) + " |"
                             for row in folder.summary_rows)
            with solara.Column(style={"overflow-x": "auto"}):
                Prose("\n".join([header, rule, body]))
    with solara.Details("The full report", expand=False):
        # the report's images are the figures shown above (their links are relative to it)
        Prose(re.sub(r"!\[[^\]]*\]\([^)]*\)", "", folder.report_markdown))


# ---------------------------------------------------------------------------- page


@solara.component
def Page() -> None:
    """The dashboard."""
    solara.Title("orglearn — how learning spreads")
    solara.Style(".orglearn-prose table { border-collapse: collapse; font-size: 0.85rem; }"
                 ".orglearn-prose td, .orglearn-prose th { border: 1px solid #ddd; "
                 "padding: 2px 6px; }")
    with solara.Column(style={"padding": "12px"}):
        Prose("# orglearn: start with small groups, or start organisation-wide?")
        with solara.lab.Tabs(value=tab):
            with solara.lab.Tab("Live race"):
                RaceTab()
            with solara.lab.Tab("Results"):
                ResultsTab()
