"""Charts as data, and their three renderings: ECharts option, PNG, CSV."""

import csv
import io
import json

import numpy as np

from sim.dashboard.charts import (
    CHARTS,
    COLOURS,
    csv_text,
    echarts_option,
    gap_chart,
    png_bytes,
    race_charts,
)
from sim.dashboard.explain import strategy_text, verdict
from sim.dashboard.race import Race
from sim.engine.metrics import KPIS
from sim.engine.params import Params
from sim.engine.strategies import STRATEGIES

PAIR = ("small_groups_first", "org_wide_first")


def race(weeks: int = 12) -> Race:
    r = Race(Params().replace({"org.employees": 250, "run.steps": 40, "run.seed": 2}), PAIR)
    r.step(weeks)
    return r


def test_every_chart_draws_a_and_b_in_their_colours_on_the_whole_run_axis():
    snap = race().snapshot()
    charts = race_charts(snap)
    assert [c.key for c in charts] == [s.key for s in CHARTS]
    for chart, spec in zip(charts, CHARTS, strict=True):
        assert len(chart.lines) == 2 * len(spec.kpis)
        assert {line.colour for line in chart.lines} == set(COLOURS)
        option = echarts_option(chart)
        json.dumps(option)  # what the browser gets must be plain JSON
        assert option["xAxis"]["data"] == list(range(41))
        assert option["animation"] is False
        drawn = [s for s in option["series"] if "name" in s]
        assert len(drawn) == len(chart.lines) and all(len(s["data"]) == 13 for s in drawn)


def test_chart_help_is_the_kpis_own_formula():
    formulas = {k.name: k.formula for k in KPIS}
    for spec in CHARTS:
        for kpi, _ in spec.kpis:
            assert formulas[kpi] in spec.help


def test_the_gap_chart_is_a_minus_b():
    snap = race().snapshot()
    chart = gap_chart(snap, "participating_share")
    expected = (snap.series[0]["participating_share"] - snap.series[1]["participating_share"])
    np.testing.assert_array_equal(chart.lines[0].values, expected)
    data = echarts_option(chart)["series"][0]["data"]
    np.testing.assert_allclose(data, np.round(expected * 100, 4))


def test_csv_export_is_the_data_on_the_screen():
    snap = race().snapshot()
    chart = race_charts(snap)[0]
    rows = list(csv.reader(io.StringIO(csv_text(chart))))
    assert rows[0] == ["week"] + [line.label for line in chart.lines]
    assert len(rows) == 1 + 13
    column = [float(r[1]) for r in rows[1:]]
    np.testing.assert_array_equal(column, chart.lines[0].values)


def test_png_export_is_a_png():
    data = png_bytes(race_charts(race().snapshot())[1])
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000


def test_strategy_texts_come_from_the_registry():
    for name, cls in STRATEGIES.items():
        summary, how = strategy_text(name)
        assert summary == cls.summary
    assert "pilot" in strategy_text("small_groups_first")[1]


def test_the_verdict_names_who_is_ahead_with_the_numbers():
    r = race(40)
    snap = r.snapshot()
    text = verdict(snap)
    assert text.startswith("After 40 weeks on this seed")
    a, b = (float(s["participating_share"][-1]) for s in snap.series)
    leader = PAIR[0] if a > b else PAIR[1]
    assert f"people taking part than {PAIR[1]} ({a:.1%} against {b:.1%}), so {leader} is " \
           "ahead" in text
    assert "not started" in verdict(Race(r.params, PAIR).snapshot())


def test_a_gap_too_small_to_show_is_called_level():
    snap = race(0).snapshot()
    series = ({**snap.series[0]}, {**snap.series[1]})
    for kpi, x, y in (("participating_share", 0.5, 0.5), ("contributing_share", 0.1, 0.1),
                      ("mean_knowledge", 0.0012, 0.0009), ("error_rate", 0.5001, 0.5)):
        series[0][kpi] = np.array([0.0, x])
        series[1][kpi] = np.array([0.0, y])
    from sim.dashboard.race import Snapshot

    text = verdict(Snapshot(1, 40, PAIR, series, 1))
    assert text.count("are level") == 4 and "ahead" not in text
