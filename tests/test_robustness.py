"""Verdict robustness: one parameter at a time at each end of its range, paired on seeds."""

import math
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from sim.config.experiment_file import load_experiment
from sim.engine.params import uncertain_parameters
from sim.experiments.robustness import tornado
from sim.workflow import run as run_experiment

ROOT = Path(__file__).resolve().parents[1]

EXPERIMENT = """
[experiment]
name = "robust"
description = "A small robustness check."
scenario = "{scenario}"
design = "robustness"
replications = {replications}
seed = 4
steps = {steps}
kpis = ["reach_participating"]
reference = "org_wide_first"

[levers]
strategies = ["small_groups_first", "org_wide_first"]
{uncertainties}
[overrides]
"org.employees" = 400
"org.cross_division_share" = 0.02
"""


def write(folder: Path, uncertainties: str = "", replications: int = 6,
          steps: int = 104) -> Path:
    path = folder / "robust.toml"
    path.write_text(EXPERIMENT.format(scenario=ROOT / "scenarios" / "default.toml",
                                      replications=replications, steps=steps,
                                      uncertainties=uncertainties))
    return path


def runs_table(diffs: dict[int, list[float]]) -> pa.Table:
    """Runs of strategies A and B whose paired differences are ``diffs[context]``."""
    rows = []
    for context, values in diffs.items():
        for r, d in enumerate(values):
            rows += [{"context": context, "strategy": "A", "replication": r, "kpi": 1.0 + d},
                     {"context": context, "strategy": "B", "replication": r, "kpi": 1.0}]
    return pa.Table.from_pylist(rows)


def test_tornado_pairs_replications_and_sorts_parameters_by_swing():
    contexts = [{}, {"p": 0.1}, {"p": 0.9}, {"q": 1.0}, {"q": 2.0}, {"r": 0}, {"r": 5}]
    runs = runs_table({0: [0.2, 0.25, 0.3], 1: [-0.5, -0.6, -0.4], 2: [0.5, 0.7, 0.6],
                       3: [0.3, 0.4, 0.35], 4: [0.35, 0.3, 0.4],
                       5: [-0.3, -0.35, -0.4], 6: [-0.4, -0.35, -0.3]})
    base, bars = tornado(runs, contexts, "kpi", "A", "B")
    assert base.mean == pytest.approx(0.25) and base.n == 3
    # t interval with 2 degrees of freedom: mean +- 4.303 * sd / sqrt(3), sd = 0.05.
    assert base.high - base.mean == pytest.approx(4.303 * 0.05 / math.sqrt(3), rel=1e-3)
    assert [bar.key for bar in bars][0] == "p"  # the largest swing first
    p, q, r = sorted(bars, key=lambda bar: bar.key)
    assert (p.low.value, p.high.value) == (0.1, 0.9)
    assert p.low.mean == pytest.approx(-0.5) and p.high.mean == pytest.approx(0.6)
    assert p.swing == pytest.approx(1.1) and p.flips
    assert not q.flips and q.swing == pytest.approx(0.0, abs=1e-12)
    assert not q.low.includes_zero and not q.against(base)
    # Both ends of r agree with each other but not with the scenario: no flip within the
    # range, yet the verdict changes on both sides of the scenario's value.
    assert not r.flips and r.against(base) == [r.low, r.high]
    assert p.against(base) == [p.low]


def test_a_robustness_design_varies_one_schema_range_at_a_time_on_shared_seeds(tmp_path):
    experiment = load_experiment(write(tmp_path))
    expected = [p for p in uncertain_parameters() if p.key != "org.cross_division_share"]
    assert [u.key for u in experiment.uncertainties] == [p.key for p in expected]
    contexts = experiment.contexts()
    assert len(contexts) == 1 + 2 * len(expected) and contexts[0] == {}
    for i, p in enumerate(expected):
        assert contexts[1 + 2 * i] == {p.key: p.plausible.low}
        assert contexts[2 + 2 * i] == {p.key: p.plausible.high}
    assert experiment.shared_seeds
    seeds = {(t.context, t.replication): t.seed for t in experiment.tasks()}
    assert all(seed == seeds[(0, r)] for (c, r), seed in seeds.items())
    matrix = experiment.design_matrix()
    assert matrix.shape == (len(contexts), len(expected))
    assert matrix[1, 0] == expected[0].plausible.low and matrix[1, 1] == experiment.base[
        expected[1].key]


FLIP = ('\n[uncertainties]\n"participation.threshold_mean" = { low = 0.2, high = 0.5 }\n'
        '"knowledge.exploration_rate" = { low = 0.0, high = 0.2 }\n')
"""Reach of small groups against organisation-wide: organisation-wide wins when people are easy
to convince, small groups when most of one's ties must take part first (the phase diagram of
results/phase-diagram). Exploration changes knowledge, not participation."""


@pytest.fixture(scope="module")
def flipped(tmp_path_factory):
    folder = tmp_path_factory.mktemp("flip")
    path = write(folder, FLIP)
    run_experiment(load_experiment(path), folder / "out", workers=1, show_progress=False)
    return path, folder / "out"


@pytest.mark.slow
def test_a_verdict_that_flips_is_found_and_a_parameter_without_effect_flips_nothing(flipped):
    _, out = flipped
    table = pacsv.read_csv(out / "robustness.csv").to_pylist()
    by = {row["parameter"]: row for row in table}
    threshold, exploration = by["participation.threshold_mean"], by["knowledge.exploration_rate"]
    assert threshold["flips"]
    assert threshold["low_ci_high"] < 0 < threshold["high_ci_low"]
    assert not exploration["flips"] and exploration["swing"] == 0
    assert [row["parameter"] for row in table][0] == "participation.threshold_mean"
    assert (out / "figures" / "tornado.png").stat().st_size > 10_000
    # The break-even value, by bisection between the scenario's value (0.3) and the end with
    # the other winner, lies inside the range; nothing is searched for exploration.
    (found,) = pacsv.read_csv(out / "breakeven.csv").to_pylist()
    assert found["parameter"] == "participation.threshold_mean" and found["end_value"] == 0.5
    assert 0.3 < found["breakeven"] < 0.5
    assert found["interval_low"] <= found["breakeven"] <= found["interval_high"]
    assert found["probes"].count(":") == 5  # five midpoints
    report = (out / "report.md").read_text()
    assert "## How robust is the verdict?" in report
    assert "The verdict flips over mean adoption threshold" in report  # the schema's label
    assert f"Break-even: mean adoption threshold ≈ {float(f'{found['breakeven']:.2g}'):g}" in report
    # The verdict comes first, with the condition under which the other strategy wins.
    verdict = report.split("## Verdict")[1].split("\n## ")[0]
    assert "unless mean adoption threshold is above about" in verdict


@pytest.mark.slow
def test_the_search_gives_the_same_bytes_on_dask(flipped, tmp_path):
    path, out = flipped
    # In a process of its own, as a consultant runs it (a local Dask cluster's processes and
    # settings stay out of this test process).
    done = orglearn("sweep", str(path), "--executor", "dask", "--workers", "2", "--out",
                    str(tmp_path / "dask"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    for name in ("runs.parquet", "timeseries.parquet", "robustness.csv", "breakeven.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (out / name).read_bytes(), name


@pytest.mark.slow
def test_a_search_killed_midway_resumes_to_the_same_break_even(flipped, tmp_path):
    import os
    import signal
    import time

    from sim.experiments.store import RunStore

    path, out = flipped
    command = [str(Path(sys.executable).with_name("orglearn")), "sweep", str(path),
               "--workers", "1", "--out", str(tmp_path / "killed")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    store, design_runs = RunStore(tmp_path / "killed"), 5 * 2 * 6
    deadline = time.monotonic() + 120
    while (len(store.done()) < design_runs + 14 and time.monotonic() < deadline
           and process.poll() is None):
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)  # during the search: a probe or two are stored
    process.wait()
    assert design_runs < len(store.done()) < design_runs + 60
    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True,
                             timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    for name in ("runs.parquet", "breakeven.csv"):
        assert (tmp_path / "killed" / name).read_bytes() == (out / name).read_bytes(), name


@pytest.mark.slow
def test_the_committed_robustness_results_reproduce():
    done = orglearn("reproduce", "experiments/robustness-default.toml", "--replications", "1",
                    "--workers", "2", cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]


def orglearn(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("orglearn")), *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_command_writes_the_tornado_the_tables_and_the_report(tmp_path):
    done = orglearn("robustness", str(ROOT / "scenarios" / "default.toml"), "--set",
                    "org.employees=120", "--steps", "8", "--params",
                    "culture.competitiveness,org.trust_mean=0.3:0.9", "--kpis",
                    "knowledge_final", "--replications", "2", "--workers", "1", "--out",
                    str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    rows = pacsv.read_csv(out / "robustness.csv").to_pylist()
    assert {r["parameter"] for r in rows} == {"culture.competitiveness", "org.trust_mean"}
    trust = next(r for r in rows if r["parameter"] == "org.trust_mean")
    assert (trust["low_value"], trust["high_value"]) == (0.3, 0.9)
    assert (out / "breakeven.csv").is_file() and (out / "figures" / "tornado.png").is_file()
    assert "## How robust is the verdict?" in (out / "report.md").read_text()
    assert (out / "report.html").is_file() and str(out / "report.html") in done.stdout
    assert " break-even value" in done.stdout


@pytest.mark.parametrize("args, fragment", [
    (["--params", "nosuch.key"], "--params: nosuch.key"),
    (["--params", "org.employees"], "a key with a plausible range"),
    (["--params", "org.trust_mean=0.9:0.3"], "LOW < HIGH"),
    (["--params", "org.trust_mean=0.5:7"], "org.trust_mean = 7"),
    (["--strategies", "none"], "two distinct strategies"),
    (["--kpis", "reach"], "--kpis: 'reach' is not allowed"),
])
def test_bad_options_get_one_line_and_exit_2_with_nothing_written(tmp_path, args, fragment):
    done = orglearn("robustness", str(ROOT / "scenarios" / "default.toml"), *args, "--out",
                    str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and fragment in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()
