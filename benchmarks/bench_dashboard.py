"""Benchmark: how long the dashboard takes to show a new week of the race.

Usage: .venv/bin/python benchmarks/bench_dashboard.py [--weeks W] [--browser]

For organisations of 1,000 people (every person drawn) and 10,000 people (the aggregated view),
prints the median over W weeks of:

- step: both strategies advance one week (the player's thread does this);
- frame: the frame loop builds everything the page draws (:func:`sim.dashboard.frames.
  build_frame`: both networks, the KPI charts, the gap chart, the verdict) and serialises it to
  JSON as the page's websocket does;
- the first frame's one-off cost: building the race and computing the organisation's layout.

With ``--browser`` it also serves the dashboard and, in Chromium, clicks "Step" W times on a
1,000- and a 10,000-person organisation and prints the median time from the click until the
page has drawn the new week in every chart (server round trip, frame, and the browser's
drawing).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from timing import machine

from sim.dashboard.frames import build_frame
from sim.dashboard.network import compute_layout
from sim.dashboard.race import Race
from sim.engine.params import Params


def median_ms(samples: list[float]) -> float:
    return 1000 * statistics.median(samples)


def measure(people: int, weeks: int) -> dict[str, float]:
    params = Params().replace({"org.employees": people, "run.steps": weeks + 1})
    started = time.perf_counter()
    race = Race(params)
    layout = compute_layout(race.org, race.seed)
    setup = time.perf_counter() - started
    steps, frames, sizes = [], [], []
    for _ in range(weeks):
        t0 = time.perf_counter()
        race.step()
        t1 = time.perf_counter()
        frame = build_frame(race, layout)
        text = json.dumps([frame.options, frame.networks, frame.verdict])
        t2 = time.perf_counter()
        steps.append(t1 - t0)
        frames.append(t2 - t1)
        sizes.append(len(text))
    return {"setup_s": setup, "step_ms": median_ms(steps), "frame_ms": median_ms(frames),
            "json_kb": statistics.median(sizes) / 1024}


_CLICK_TO_FRAME = """async (week) => {
  const charts = [...document.querySelectorAll('[data-chart]')];
  const before = charts.map(c => Number(c.dataset.frames || 0));
  const button = [...document.querySelectorAll('button')].find(b => b.innerText.trim() == 'STEP'
                                                                   || b.innerText.trim() == 'Step');
  const started = performance.now();
  button.click();
  const board = () => document.querySelector('.orglearn-scoreboard').innerText;
  while (!(board().startsWith('Week ' + week + ' of') &&
           charts.every((c, i) => Number(c.dataset.frames || 0) > before[i]))) {
    await new Promise(r => requestAnimationFrame(r));
  }
  await new Promise(r => requestAnimationFrame(r));  // until the frame is on the screen
  return performance.now() - started;
}"""


def browser_round_trip(weeks: int, people: int = 1_000) -> float:
    """Median ms from clicking Step until the new week is drawn: scoreboard and every chart.

    Measured in the page (performance.now), from the click to the animation frame after the
    last chart's redraw: the server's step and frame, the websocket, and the browser's drawing.
    """
    import tempfile
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from sim.dashboard.served import CHROMIUM_ARGS, ServedDashboard, chromium_path

    scenario = Path(tempfile.mkdtemp()) / f"bench-{people}.toml"
    scenario.write_text(f'[scenario]\nname = "bench-{people}"\n[org]\nemployees = {people}\n')
    with ServedDashboard(str(scenario)) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_ARGS))
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(server.url)
        page.locator(".orglearn-scoreboard").get_by_text("Week 0 of").wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        samples = [page.evaluate(_CLICK_TO_FRAME, week) / 1000 for week in range(1, weeks + 1)]
        browser.close()
    return median_ms(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=30)
    parser.add_argument("--browser", action="store_true")
    args = parser.parse_args()
    print(f"dashboard frames — {machine()}")
    for people in (1_000, 10_000):
        r = measure(people, args.weeks)
        view = "every person" if people <= 2_000 else "aggregated"
        print(f"{people:>7,} people ({view}): step {r['step_ms']:6.1f} ms, frame "
              f"{r['frame_ms']:6.1f} ms, step + frame {r['step_ms'] + r['frame_ms']:6.1f} ms, "
              f"{r['json_kb']:5.0f} KB a frame; first frame after {r['setup_s']:.2f} s")
    if args.browser:
        for people in (1_000, 10_000):
            print(f"{people:>7,} people, click Step -> new week drawn in Chromium (all charts): "
                  f"{browser_round_trip(args.weeks, people):.0f} ms (median of {args.weeks})")


if __name__ == "__main__":
    main()
