"""A frame of the live race: consistent, serialised once, cheap to send."""

import json

from sim.dashboard.echarts import option_json
from sim.dashboard.frames import build_frame, scoreboard
from sim.dashboard.network import compute_layout
from sim.dashboard.race import Race
from sim.engine.params import Params

PAIR = ("small_groups_first", "org_wide_first")


def race() -> Race:
    return Race(Params().replace({"org.employees": 300, "run.steps": 20, "run.seed": 4}), PAIR)


def test_a_frame_holds_every_chart_and_both_networks_as_json():
    r = race()
    layout = compute_layout(r.org, r.seed)
    r.step(5)
    frame = build_frame(r, layout)
    assert frame.snapshot.week == 5
    assert len(frame.options) == len(frame.charts) + 1  # the KPI charts, then the gap chart
    for text in [*frame.options, *frame.networks]:
        assert isinstance(text, str) and json.loads(text)
    assert frame.networks[0] != frame.networks[1]  # two strategies, two pictures
    assert frame.scoreboard == scoreboard(frame.snapshot)
    assert frame.scoreboard.startswith("Week 5 of 20 — taking part: small_groups_first ")


def test_frames_follow_the_race_and_repeat_for_the_same_week():
    r = race()
    layout = compute_layout(r.org, r.seed)
    first = build_frame(r, layout)
    assert build_frame(r, layout).options == first.options
    r.step()
    assert build_frame(r, layout).options != first.options


def test_option_json_refuses_nan():
    try:
        option_json({"x": float("nan")})
    except ValueError:
        return
    raise AssertionError("NaN must not reach the browser as invalid JSON")
