"""Caveats: a high start and KPIs that cannot rank the strategies, flagged in plain sentences."""

from __future__ import annotations

import pyarrow as pa
import pytest

from sim.report.caveats import HIGH_START, caveats, caveats_section
from tests.synthetic import make_manifest

STEPS = 52
ORG = {"org": {"unofficial_groups": 5, "unofficial_group_size_min": 5,
               "unofficial_group_size_max": 15, "employees": 20}}


def runs_of(values: dict[str, list[float]], kpi: str, contexts: int = 1) -> pa.Table:
    """Runs of each strategy, replication r having ``values[strategy][r]``, in every context."""
    rows = [{"context": c, "strategy": s, "replication": r, kpi: float(v)}
            for c in range(contexts) for s, vs in values.items() for r, v in enumerate(vs)]
    return pa.Table.from_pylist(rows)


def timeseries_of(runs: pa.Table, start: float) -> pa.Table:
    """Weeks 0 and 1 of every run, ``participating_share`` at week 0 being ``start``."""
    rows = [{"context": r["context"], "strategy": r["strategy"], "replication": r["replication"],
             "step": step, "participating_share": start if step == 0 else 0.9}
            for r in runs.to_pylist() for step in (0, 1)]
    return pa.Table.from_pylist(rows)


def manifest(kpi: str):
    return make_manifest(kpis=[kpi], steps=STEPS, parameters=ORG)


def test_nothing_to_say_about_a_sound_comparison():
    runs = runs_of({"A": [0.1, 0.3, 0.2], "B": [0.2, 0.5, 0.1]}, "reach_contributing")
    assert caveats(runs, timeseries_of(runs, 0.05), manifest("reach_contributing")) == []
    assert caveats_section([]) == ""


def test_a_high_start_is_named_with_its_cause():
    runs = runs_of({"A": [0.1, 0.3], "B": [0.2, 0.5]}, "reach_contributing")
    found = caveats(runs, timeseries_of(runs, 0.95), manifest("reach_contributing"))
    assert len(found) == 1
    assert found[0].startswith("At week 0, before any strategy acts, 95% of the organisation")
    assert "5 unofficial groups of 5–15 people among 20 employees" in found[0]
    assert caveats(runs, timeseries_of(runs, HIGH_START - 0.01),
                   manifest("reach_contributing")) == []


@pytest.mark.parametrize("values, words", [
    ({"A": [STEPS + 1] * 3, "B": [STEPS + 1] * 3}, "no run gets to 50% within 52 weeks"),
    ({"A": [0, 0], "B": [0, 0]}, "every run is there at week 0"),
])
def test_a_speed_nobody_shows_is_degenerate(values, words):
    runs = runs_of(values, "time_to_50")
    found = caveats(runs, timeseries_of(runs, 0.0), manifest("time_to_50"))
    assert len(found) == 1 and words in found[0] and "cannot rank" in found[0]
    assert found[0].startswith("Weeks to 50% participating: ")


def test_the_same_value_everywhere_and_a_tie_in_every_replication():
    same = runs_of({"A": [0.2, 0.2], "B": [0.2, 0.2]}, "reach_contributing")
    assert "every run has the same value" in caveats(
        same, timeseries_of(same, 0.0), manifest("reach_contributing"))[0]
    tied = runs_of({"A": [0.1, 0.4], "B": [0.1, 0.4]}, "reach_contributing")
    found = caveats(tied, timeseries_of(tied, 0.0), manifest("reach_contributing"))
    assert found == ["Reach: contributing: every strategy has the same value as the others in "
                     "every replication."]
    alone = runs_of({"A": [0.1, 0.4]}, "reach_contributing")  # one strategy: nothing to tie
    assert caveats(alone, timeseries_of(alone, 0.0), manifest("reach_contributing")) == []


def test_a_sweep_says_in_how_many_contexts():
    runs = pa.concat_tables([
        runs_of({"A": [STEPS + 1] * 2, "B": [STEPS + 1] * 2}, "time_to_50"),
        runs_of({"A": [10, 12], "B": [20, 14]}, "time_to_50").set_column(
            0, "context", pa.array([1] * 4, pa.int64()))])
    found = caveats(runs, timeseries_of(runs, 0.0), manifest("time_to_50"))
    assert len(found) == 1 and "in 1 of 2 contexts, no run gets to 50%" in found[0]
    section = caveats_section(found)
    assert section.startswith("## Caveats\n\n- Weeks to 50% participating: in 1 of 2 contexts")
