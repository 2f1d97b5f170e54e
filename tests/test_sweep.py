"""Sweeps: resumable after SIGKILL, identical across executors, guarded against mixing."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sim.config.experiment_file import load_experiment
from sim.experiments.pipeline import run_experiment as run_only
from sim.experiments.store import RunStore, StoreError
from sim.workflow import run as run_experiment

ROOT = Path(__file__).resolve().parents[1]
ORGLEARN = Path(sys.executable).with_name("orglearn")

EXPERIMENT = """
[experiment]
name = "tiny"
description = "A small sweep for tests."
scenario = "{scenario}"
design = "grid"
replications = 3
seed = 11
steps = {steps}
kpis = ["reach_participating", "knowledge_final"]
reference = "org_wide_first"

[levers]
strategies = ["none", "org_wide_first"]

[uncertainties]
"org.cross_division_share" = [0.05, 0.2]

[overrides]
"org.employees" = {employees}
"""


def write_experiment(folder: Path, employees: int = 150, steps: int = 15) -> Path:
    path = folder / "tiny.toml"
    path.write_text(EXPERIMENT.format(scenario=ROOT / "scenarios" / "default.toml",
                                      employees=employees, steps=steps))
    return path


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serial")
    spec = load_experiment(write_experiment(folder))
    return run_experiment(spec, folder / "out", workers=1, show_progress=False)


def test_sweep_writes_runs_with_seeds_and_contexts(serial):
    runs = serial.runs
    assert runs.num_rows == 2 * 2 * 3
    assert "org.cross_division_share" in runs.column_names
    rows = runs.to_pylist()
    seeds = {(r["context"], r["replication"]): set() for r in rows}
    for r in rows:
        seeds[(r["context"], r["replication"])].add(r["seed"])
    assert all(len(s) == 1 for s in seeds.values())  # the strategy never changes the seed
    assert len({next(iter(s)) for s in seeds.values()}) == 6


@pytest.mark.parametrize("workers, executor", [(2, "local"), (2, "dask")])
def test_executors_give_identical_results(serial, tmp_path, workers, executor):
    spec = load_experiment(write_experiment(tmp_path))
    other = run_only(spec, tmp_path / "out", workers=workers, executor=executor,
                      show_progress=False)
    for name in ("runs", "timeseries"):  # bytes: NaN weeks make Table.equals False
        assert other.files[name].read_bytes() == serial.files[name].read_bytes(), name


def test_finished_results_are_rewritten_and_a_changed_experiment_is_refused(tmp_path):
    path = write_experiment(tmp_path)
    first = run_only(load_experiment(path), tmp_path / "out", show_progress=False)
    runs = first.files["runs"].read_bytes()
    again = run_only(load_experiment(path), tmp_path / "out", show_progress=False)
    assert again.skipped == 0 and again.files["runs"].read_bytes() == runs
    assert not (tmp_path / "out" / "store").exists()  # consolidated, then removed
    path.write_text(path.read_text().replace("seed = 11", "seed = 12"))
    with pytest.raises(StoreError, match="other settings|another|different"):
        run_only(load_experiment(path), tmp_path / "out", show_progress=False)
    moved = run_only(load_experiment(path), tmp_path / "out", show_progress=False, force=True)
    assert moved.moved_aside is not None
    assert (moved.moved_aside / "runs.parquet").read_bytes() == runs


@pytest.mark.slow
def test_a_sweep_killed_midway_resumes_to_the_same_runs(tmp_path):
    path = write_experiment(tmp_path, employees=1000, steps=40)
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    command = [str(ORGLEARN), "sweep", str(path), "--workers", "1"]
    process = subprocess.Popen([*command, "--out", str(killed)], cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    store = RunStore(killed)
    deadline = time.monotonic() + 120
    while len(store.done()) < 3 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    stored = len(store.done())
    assert 3 <= stored < 12, f"kill came at {stored} runs"
    assert not (killed / "runs.parquet").exists()
    resumed = subprocess.run([*command, "--out", str(killed), "--resume"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"({stored} already stored)" in resumed.stdout
    subprocess.run([*command, "--out", str(whole)], cwd=tmp_path, check=True,
                   capture_output=True, timeout=300)
    assert pq.read_table(killed / "runs.parquet").equals(pq.read_table(whole / "runs.parquet"))
    assert (killed / "runs.parquet").read_bytes() == (whole / "runs.parquet").read_bytes()
    assert (killed / "timeseries.parquet").read_bytes() == (
        whole / "timeseries.parquet").read_bytes()


def test_reproduce_accepts_rounding_and_flags_a_changed_value(serial, tmp_path):
    import numpy as np
    import pyarrow as pa

    from sim.workflow import reproduce

    spec = load_experiment(write_experiment(tmp_path))
    committed = serial.files["runs"].parent
    outcome = reproduce(spec, committed, tmp_path / "again", show_progress=False)
    assert outcome.same and not outcome.problems and outcome.gap.absolute == 0

    def tampered(name: str, change) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        runs = pq.read_table(committed / "runs.parquet")
        column = runs.column_names.index("knowledge_final")
        values = change(runs["knowledge_final"].to_numpy())
        pq.write_table(runs.set_column(column, "knowledge_final", pa.array(values)),
                       folder / "runs.parquet")
        (folder / "timeseries.parquet").write_bytes(
            (committed / "timeseries.parquet").read_bytes())
        return folder

    one_ulp = tampered("ulp", lambda v: np.nextafter(v, np.inf))  # another CPU's rounding
    outcome = reproduce(spec, one_ulp, tmp_path / "third", show_progress=False, replications=2)
    assert outcome.same and outcome.gap.where == "runs.knowledge_final"
    changed = tampered("changed", lambda v: v * (1 + 1e-9))
    outcome = reproduce(spec, changed, tmp_path / "fourth", show_progress=False,
                        replications=2)
    assert not outcome.same
    assert [p.split(" by ")[0] for p in outcome.problems] == [
        "runs: column 'knowledge_final' differs"]


@pytest.mark.slow
def test_committed_phase_diagram_reproduces():
    """`orglearn reproduce` on the committed phase diagram (first replication only, for time)."""
    result = subprocess.run([str(ORGLEARN), "reproduce", "experiments/phase-diagram.toml",
                             "--replications", "1", "--workers", "2"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "reproduced" in result.stdout
