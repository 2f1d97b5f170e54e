"""Intervals never reach past the values a KPI can take: its bounds, and the clipping to them."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

from sim import LearningModel, Params
from sim.dashboard.bands import Bands
from sim.engine.metrics import KPIS, RUN_KPIS, UNIT_BOUNDS, Kpi, RunKpi, run_summary
from sim.experiments.robustness import estimate
from sim.experiments.statistics import clip_interval, difference_bounds, t_interval
from sim.report.figures import weekly_band
from sim.report.summary import kpi_verdict, summarise
from sim.report.text import head_to_head

INF = math.inf
_RUN = {k.name: k for k in RUN_KPIS}
_WEEKLY = {k.name: k for k in KPIS}
OVERRIDES = {"value_realised": (-1.0, 1.0), "value_applied": (-2.0, 2.0),
             "division_inequality": (0.0, 1.0)}


# ----------------------------------------------------------------------------- the bounds


@pytest.mark.parametrize("kpi", [*KPIS, *RUN_KPIS], ids=lambda k: f"{type(k).__name__}:{k.name}")
def test_every_kpi_has_ordered_bounds(kpi: Kpi | RunKpi) -> None:
    lo, hi = kpi.bounds
    assert not (math.isnan(lo) or math.isnan(hi))
    assert lo < hi
    assert math.isfinite(lo)  # every KPI has a known lowest value


def test_shares_lie_within_0_and_1_and_scores_within_minus_1_and_1() -> None:
    for kpi in (*KPIS, *RUN_KPIS):
        if kpi.name in OVERRIDES:
            continue
        if kpi.unit == "share":
            assert kpi.bounds == (0.0, 1.0), kpi.name
        if kpi.unit in ("weeks", "week", "count", "communities"):
            assert kpi.bounds == (0.0, INF), kpi.name
    assert _WEEKLY["mean_knowledge"].bounds == (-1.0, 1.0)
    assert _RUN["knowledge_final"].bounds == (-1.0, 1.0)


def test_kpis_whose_unit_says_too_little_carry_their_own_bounds() -> None:
    for name, bounds in OVERRIDES.items():
        assert _RUN[name].bounds == bounds
    assert _WEEKLY["division_knowledge_sd"].bounds == (0.0, 1.0)
    assert {k.name for k in RUN_KPIS if k.possible is not None} == set(OVERRIDES)
    assert {k.name for k in KPIS if k.possible is not None} == {"division_knowledge_sd"}


def test_the_new_field_comes_last_so_positional_construction_still_works() -> None:
    weekly = Kpi("x", "formula", "share")
    run = RunKpi("x", "X", "formula", "weeks", "lower", True)
    assert (weekly.possible, weekly.bounds) == (None, UNIT_BOUNDS["share"])
    assert (run.better, run.headline, run.bounds) == ("lower", True, (0.0, INF))
    assert RunKpi("x", "X", "f", "furlongs").bounds == (-INF, INF)  # unknown unit: no bounds
    assert Kpi("x", "f", "share", (0.2, 0.3)).bounds == (0.2, 0.3)


def test_a_real_run_stays_within_the_bounds() -> None:
    model = LearningModel(Params().replace({"org.employees": 150, "run.steps": 15}),
                          seed=3).run()
    series = model.timeseries()
    for kpi in KPIS:
        values = series[kpi.name][~np.isnan(series[kpi.name])]
        lo, hi = kpi.bounds
        assert np.all((values >= lo) & (values <= hi)), kpi.name
    for name, value in run_summary(series, model.state).items():
        lo, hi = _RUN[name].bounds
        assert math.isnan(value) or lo <= value <= hi, name


# ----------------------------------------------------------------------------- the clipping


def test_clip_interval_keeps_nan_and_ends_already_inside() -> None:
    assert clip_interval(0.2, 0.7, (0.0, 1.0)) == (0.2, 0.7)
    low, high = clip_interval(math.nan, math.nan, (0.0, 1.0))
    assert math.isnan(low) and math.isnan(high)
    low, high = clip_interval(math.nan, 0.4, (0.0, 1.0))
    assert math.isnan(low) and high == 0.4
    assert clip_interval(-0.2, 1.3, (0.0, 1.0)) == (0.0, 1.0)
    assert clip_interval(-3.0, 5.0, (0.0, INF)) == (0.0, 5.0)
    assert clip_interval(-3.0, 5.0, None) == (-3.0, 5.0)
    assert all(type(v) is float for v in clip_interval(-0.2, 0.4, (0.0, 1.0)))


def test_clip_interval_clips_arrays_element_by_element() -> None:
    low, high = clip_interval(np.array([-0.1, 0.2, np.nan]), np.array([0.3, 1.2, np.nan]),
                              (0.0, 1.0))
    np.testing.assert_array_equal(low, [0.0, 0.2, np.nan])
    np.testing.assert_array_equal(high, [0.3, 1.0, np.nan])


def test_difference_bounds() -> None:
    assert difference_bounds((0.0, 1.0)) == (-1.0, 1.0)
    assert difference_bounds((-1.0, 1.0)) == (-2.0, 2.0)
    assert difference_bounds((0.0, INF)) == (-INF, INF)
    assert difference_bounds(None) is None


# ----------------------------------------------------------------------------- where it is applied


KEYS = ("experiment", "scenario", "context", "strategy", "replication", "seed")
REPS = 6


def rare_runs() -> pa.Table:
    """Two strategies: A's champions and week counts are 0 in all but one replication."""
    rows = []
    for strategy in ("A", "B"):
        for rep in range(REPS):
            rare = 1.0 if rep == 0 else 0.0
            rows.append({"experiment": "exp", "scenario": "synthetic", "context": 0,
                         "strategy": strategy, "replication": rep, "seed": rep,
                         # a share that is 0 in all but one replication
                         "champion_share": 0.01 * rare if strategy == "A" else 0.2,
                         # a share that is 1 in all but one replication
                         "reach_aware": 1.0 - 0.02 * rare if strategy == "A" else 0.5,
                         # weeks: mostly 0 (reached at once), once late
                         "time_to_50": 12.0 * rare if strategy == "A" else 1.0 + rep % 2,
                         # shares differing by almost 1, paired, with one exception
                         "reach_voluntary": (1.0 - 0.5 * rare) if strategy == "A" else 0.0})
    return pa.Table.from_pylist(rows, schema=pa.schema(
        [(k, pa.int64() if k in ("context", "replication", "seed") else pa.string())
         for k in KEYS]
        + [(k, pa.float64()) for k in ("champion_share", "reach_aware", "time_to_50",
                                       "reach_voluntary")]))


def summary_rows(kpi: str) -> dict[str, dict]:
    return {r["strategy"]: r for r in summarise(rare_runs(), "B").to_pylist() if r["kpi"] == kpi}


def column(kpi: str, strategy: str) -> np.ndarray:
    runs = rare_runs()
    return np.array([r[kpi] for r in runs.to_pylist() if r["strategy"] == strategy])


def test_a_share_that_is_almost_always_0_gets_an_interval_from_exactly_0() -> None:
    values = column("champion_share", "A")
    _, _, raw_low, raw_high = t_interval(values)
    assert raw_low < 0.0  # what used to be reported
    row = summary_rows("champion_share")["A"]
    assert row["ci_low"] == 0.0
    assert row["ci_high"] == pytest.approx(raw_high)
    assert row["mean"] == pytest.approx(values.mean())


def test_a_share_that_is_almost_always_1_never_gets_past_100_percent() -> None:
    _, _, _, raw_high = t_interval(column("reach_aware", "A"))
    assert raw_high > 1.0
    assert summary_rows("reach_aware")["A"]["ci_high"] == 1.0


def test_weeks_never_get_a_negative_bound() -> None:
    _, _, raw_low, _ = t_interval(column("time_to_50", "A"))
    assert raw_low < 0.0
    rows = summary_rows("time_to_50")
    assert rows["A"]["ci_low"] == 0.0
    assert all(r["ci_low"] >= 0.0 for r in rows.values())
    # a difference of week counts may be negative: not clipped
    diff = column("time_to_50", "A") - column("time_to_50", "B")
    _, _, d_low, d_high = t_interval(diff)
    assert (rows["A"]["diff_ci_low"], rows["A"]["diff_ci_high"]) == pytest.approx((d_low, d_high))
    assert rows["A"]["diff_ci_low"] < 0.0


def test_differences_of_shares_stay_within_minus_1_and_1() -> None:
    diff = column("reach_voluntary", "A") - column("reach_voluntary", "B")
    _, _, _, raw_high = t_interval(diff)
    assert raw_high > 1.0
    row = summary_rows("reach_voluntary")["A"]
    assert row["diff_ci_high"] == 1.0
    assert row["unpaired_ci_high"] <= 1.0
    assert row["ci_high"] == 1.0


def test_no_summary_bound_is_impossible() -> None:
    for row in summarise(rare_runs(), "B").to_pylist():
        lo, hi = _RUN[row["kpi"]].bounds
        d_lo, d_hi = difference_bounds((lo, hi))
        for key, (a, b) in {"ci": (lo, hi), "diff_ci": (d_lo, d_hi),
                            "unpaired_ci": (d_lo, d_hi)}.items():
            for end in (row[f"{key}_low"], row[f"{key}_high"]):
                assert math.isnan(end) or a <= end <= b, (row["kpi"], key)


def test_the_verdict_clips_its_difference() -> None:
    kpi = _RUN["reach_voluntary"]
    ranked = sorted(summary_rows(kpi.name).values(), key=lambda r: -r["mean"])
    values = {s: dict(enumerate(column(kpi.name, s))) for s in ("A", "B")}
    verdict = kpi_verdict(kpi, ranked, values)
    assert verdict["best"] == "A"
    assert verdict["diff_ci_high"] == 1.0
    assert verdict["clear"]


def test_the_head_to_head_table_clips_its_difference() -> None:
    text = head_to_head(rare_runs(), "12", ("A", "B"))
    line = next(row for row in text.splitlines() if row.startswith("| Reach: voluntary"))
    assert line.count("+100.0]") == 1  # the raw t interval would end at +113.1 points


def test_robustness_estimate_clips_to_the_differences_the_kpi_can_take() -> None:
    diff = np.array([1.0, 1.0, 1.0, 1.0, 0.5])
    raw = estimate(diff, 0.3)
    assert raw.high > 1.0
    clipped = estimate(diff, 0.3, "reach_voluntary")
    assert (clipped.mean, clipped.low, clipped.high) == (raw.mean, raw.low, 1.0)
    weeks = np.array([-20.0, 0.0, 0.0, 0.0])  # a difference of weeks may be negative
    assert estimate(weeks, 0.3, "time_to_50") == estimate(weeks, 0.3)
    assert estimate(weeks, 0.3, "time_to_50").low < -20.0
    assert math.isnan(estimate(np.array([0.5]), 0.3, "reach_voluntary").low)


def test_weekly_band_is_clipped_to_the_weekly_kpis_bounds() -> None:
    rows = []
    for rep in range(REPS):
        for step in range(3):
            rows.append({"strategy": "A", "context": 0, "replication": rep, "step": step,
                         "champion_share": 0.05 if (rep == 0 and step > 0) else 0.0,
                         "mean_knowledge": -0.9 if rep else -0.1})
    table = pa.Table.from_pylist(rows)
    weeks, mean, low, high = weekly_band(table, "A", "champion_share")
    np.testing.assert_array_equal(weeks, [0, 1, 2])
    assert low[0] == 0.0 and high[0] == 0.0  # all zero: a band of width 0
    assert np.all(low[1:] == 0.0) and np.all(high[1:] > mean[1:])
    _, _, k_low, _ = weekly_band(table, "A", "mean_knowledge")
    assert np.all(k_low == -1.0)


def test_the_dashboards_final_gap_is_clipped() -> None:
    a = np.array([[0.0, 1.0]] * 4 + [[0.0, 0.5]])
    b = np.zeros_like(a)
    bands = Bands(5, ("A", "B"), {"A": {"voluntary_share": a, "knowledge_div_0": a},
                                  "B": {"voluntary_share": b, "knowledge_div_0": b}})
    mean, low, high = bands.final_gap("voluntary_share")
    assert mean == pytest.approx(0.9) and high == 1.0
    _, _, unclipped = bands.final_gap("knowledge_div_0")  # not a listed KPI: left as it is
    assert unclipped > 1.0
