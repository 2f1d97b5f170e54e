"""Paired comparisons: files, determinism (re-runs, workers), pairing, and the rank swap."""

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from sim.config.scenario import load_scenario
from sim.engine.params import Params
from sim.experiments.design import Experiment
from sim.experiments.executors import run_tasks
from sim.experiments.results import runs_table
from sim.report.summary import summarise
from sim.workflow import compare

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"org.employees": 300, "run.steps": 30}
STRATEGIES = ["none", "small_groups_first", "org_wide_first", "leader_cascade"]


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    out = tmp_path_factory.mktemp("serial")
    return out, compare(Params().replace(SMALL), STRATEGIES, 4, out, reference="none",
                        workers=1, show_progress=False)


@pytest.fixture(scope="module")
def parallel(tmp_path_factory):
    out = tmp_path_factory.mktemp("parallel")
    return out, compare(Params().replace(SMALL), STRATEGIES, 4, out, reference="none",
                        workers=2, show_progress=False)


def test_every_output_file_is_written(serial):
    out, result = serial
    for name in ("runs.parquet", "timeseries.parquet", "summary.csv", "manifest.json",
                 "report.md", "figures/timeseries.png", "figures/paired_differences.png",
                 "figures/kpis.png"):
        assert (out / name).stat().st_size > 0, name
    assert pq.read_table(out / "runs.parquet").num_rows == len(STRATEGIES) * 4
    assert pq.read_table(out / "timeseries.parquet").num_rows == len(STRATEGIES) * 4 * 31
    report = (out / "report.md").read_text()
    assert "## Verdict" in report and "95% CI" in report
    assert "## Start small or start wide?" in report
    assert result.manifest.replications == 4 and result.manifest.command == "compare"
    assert result.manifest.contrast == ["small_groups_first", "org_wide_first"]


def test_seeds_depend_on_replication_not_strategy(serial):
    _, result = serial
    rows = result.runs.to_pylist()
    by_rep = {}
    for row in rows:
        by_rep.setdefault(row["replication"], set()).add(row["seed"])
    assert all(len(seeds) == 1 for seeds in by_rep.values())
    assert len({next(iter(s)) for s in by_rep.values()}) == 4


def test_one_and_two_workers_give_identical_bytes(serial, parallel):
    for name in ("runs.parquet", "timeseries.parquet", "summary.csv"):
        assert (serial[0] / name).read_bytes() == (parallel[0] / name).read_bytes(), name


def test_rerunning_gives_identical_numbers(serial, tmp_path):
    again = compare(Params().replace(SMALL), STRATEGIES, 4, tmp_path, reference="none",
                    workers=1, show_progress=False)
    assert again.runs.equals(serial[1].runs)
    assert (tmp_path / "summary.csv").read_bytes() == (serial[0] / "summary.csv").read_bytes()

    def numbers(path):  # the report without its wall time, creation time and commit
        return [line for line in path.read_text().splitlines()
                if not line.startswith(("- **Wall time**", "- **Created", "- **Git commit"))]

    assert numbers(tmp_path / "report.md") == numbers(serial[0] / "report.md")


def test_active_strategies_reach_more_people_than_the_control(serial):
    runs = serial[1].runs.to_pylist()
    reach = {s: np.mean([r["reach_participating"] for r in runs if r["strategy"] == s])
             for s in STRATEGIES}
    assert all(reach["none"] < reach[s] for s in STRATEGIES[1:])


def test_paired_intervals_are_narrower_than_unpaired_ones(serial):
    summary = summarise(serial[1].runs, "none").to_pylist()
    ratios = [(r["diff_ci_high"] - r["diff_ci_low"])
              / (r["unpaired_ci_high"] - r["unpaired_ci_low"])
              for r in summary
              if r["strategy"] != "none" and r["kpi"] in ("knowledge_final", "error_rate_final",
                                                          "reach_participating")
              and r["unpaired_ci_high"] > r["unpaired_ci_low"]]
    assert len(ratios) >= 6
    assert np.median(ratios) < 1.0


def paired_reach(scenario: str, replications: int = 6) -> tuple[float, float, float]:
    params = load_scenario(ROOT / "scenarios" / scenario)
    tasks = Experiment.comparison(params, ["small_groups_first", "org_wide_first"],
                                  replications).tasks()
    rows = summarise(runs_table(run_tasks(tasks, 2, show_progress=False)), "org_wide_first")
    row = next(r for r in rows.to_pylist()
               if r["kpi"] == "reach_participating" and r["strategy"] == "small_groups_first")
    return row["diff_mean"], row["diff_ci_low"], row["diff_ci_high"]


def test_small_groups_win_reach_when_joining_needs_reinforcement():
    mean, low, high = paired_reach("reinforcement.toml")
    assert mean > 0 and low > 0, (mean, low, high)


def test_org_wide_wins_reach_when_joining_spreads_by_word_of_mouth():
    mean, low, high = paired_reach("word-of-mouth.toml")
    assert mean < 0 and high < 0, (mean, low, high)
