"""One executor for a whole experiment: on Dask, one cluster for the runs and every break-even
probe, started only when there are runs to do, closed however the experiment ends."""

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.csv as pacsv
import pytest

import sim.experiments.executors as executors
from sim.config.experiment_file import load_experiment
from sim.engine.params import Params
from sim.experiments.design import Experiment
from sim.experiments.executors import executor_session, run_tasks
from sim.experiments.pipeline import run_experiment
from sim.experiments.store import RunStore

ROOT = Path(__file__).resolve().parents[1]

EXPERIMENT = f"""
[experiment]
name = "one-cluster"
description = "A small robustness check whose verdict flips, so the break-even is searched."
scenario = "{ROOT / "scenarios" / "default.toml"}"
design = "robustness"
replications = 4
seed = 4
steps = 52
kpis = ["reach_participating"]
reference = "org_wide_first"

[levers]
strategies = ["small_groups_first", "org_wide_first"]

[uncertainties]
"participation.threshold_mean" = {{ low = 0.2, high = 0.5 }}

[overrides]
"org.employees" = 200
"org.cross_division_share" = 0.02
"""
DESIGN_RUNS = 3 * 2 * 4  # contexts (scenario, low, high) x strategies x replications
PROBE_RUNS = 2 * 4

SCRIPT = """
import json
import sys
from pathlib import Path


def main(mode, path, out, stop_after):
    import dask.distributed

    import sim.experiments.executors as executors
    from sim.config.experiment_file import load_experiment
    from sim.experiments.pipeline import run_experiment
    from sim.experiments.store import RunStore

    seen = {"clusters": [], "clients": 0, "sessions": 0}

    class CountedCluster(dask.distributed.LocalCluster):
        def __init__(self, *args, **kwargs):
            seen["clusters"].append(self)
            super().__init__(*args, **kwargs)

    class CountedClient(dask.distributed.Client):
        def __init__(self, *args, **kwargs):
            seen["clients"] += 1
            super().__init__(*args, **kwargs)

    opened = executors._dask_client

    def counted(*args, **kwargs):
        seen["sessions"] += 1
        return opened(*args, **kwargs)

    scheduler = None
    if mode == "remote":  # a scheduler of its own, reached by address like a remote one
        remote = dask.distributed.LocalCluster(n_workers=1, threads_per_worker=1,
                                               host="127.0.0.1", dashboard_address=None)
        scheduler = remote.scheduler_address
    dask.distributed.LocalCluster = CountedCluster
    dask.distributed.Client = CountedClient
    executors._dask_client = counted
    if stop_after:
        save = RunStore.save

        def save_then_stop(self, *args, **kwargs):
            save(self, *args, **kwargs)
            if len(self.done()) == stop_after:
                raise KeyboardInterrupt

        RunStore.save = save_then_stop
    report = {"interrupted": False}
    try:
        run_experiment(load_experiment(Path(path)), Path(out), workers=1, executor="dask",
                       scheduler=scheduler, show_progress=False)
    except KeyboardInterrupt:
        report["interrupted"] = True
    report.update(clusters=len(seen["clusters"]), clients=seen["clients"],
                  sessions=seen["sessions"],
                  closed=[str(c.status) for c in seen["clusters"]])
    if mode == "remote":
        report["remote_tasks_left"] = len(remote.scheduler.tasks)
        remote.close()
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
"""


def experiment_file(folder: Path) -> Path:
    path = folder / "one-cluster.toml"
    path.write_text(EXPERIMENT)
    return path


def on_dask(tmp_path: Path, mode: str, out: Path, stop_after: int = 0) -> dict:
    """Run the experiment on Dask in a process of its own and return what it counted."""
    script = tmp_path / "count_clusters.py"
    script.write_text(SCRIPT)
    done = subprocess.run([sys.executable, str(script), mode, str(experiment_file(tmp_path)),
                           str(out), str(stop_after)], capture_output=True, text=True,
                          timeout=180, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    """The experiment run serially in this process: the reference results."""
    folder = tmp_path_factory.mktemp("serial")
    run_experiment(load_experiment(experiment_file(folder)), folder / "out", workers=1,
                   show_progress=False)
    return folder / "out"


def same_results(out: Path, reference: Path) -> None:
    for name in ("runs.parquet", "timeseries.parquet", "breakeven.csv"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


@pytest.mark.slow
def test_the_runs_and_every_break_even_probe_share_one_local_cluster(serial, tmp_path):
    (found,) = pacsv.read_csv(serial / "breakeven.csv").to_pylist()
    assert found["probes"].count(":") == 5  # five probes, each a batch of runs of its own
    seen = on_dask(tmp_path, "local", tmp_path / "dask")
    assert not seen["interrupted"]
    assert seen["clusters"] == 1 and seen["clients"] == 1 and seen["sessions"] == 1
    assert seen["closed"] == ["Status.closed"]
    same_results(tmp_path / "dask", serial)


@pytest.mark.slow
def test_a_remote_scheduler_gets_one_client_for_the_whole_experiment(serial, tmp_path):
    seen = on_dask(tmp_path, "remote", tmp_path / "dask")
    assert seen["clusters"] == 0 and seen["clients"] == 1 and seen["sessions"] == 1
    assert seen["remote_tasks_left"] == 0  # the client was closed: nothing held there
    same_results(tmp_path / "dask", serial)


@pytest.mark.slow
def test_an_interrupted_search_closes_the_cluster_and_resumes_from_the_stored_runs(
        serial, tmp_path):
    stop_after = DESIGN_RUNS + PROBE_RUNS + 3  # within the second probe
    out = tmp_path / "dask"
    seen = on_dask(tmp_path, "local", out, stop_after=stop_after)
    assert seen["interrupted"] and seen["clusters"] == 1
    assert seen["closed"] == ["Status.closed"]
    assert len(RunStore(out).done()) == stop_after and not (out / "manifest.json").exists()
    outcome = run_experiment(load_experiment(experiment_file(tmp_path)), out, workers=1,
                             resume=True, show_progress=False)
    assert outcome.skipped == DESIGN_RUNS
    same_results(out, serial)


def test_nothing_to_run_starts_no_cluster(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a Dask cluster was started for no runs")

    monkeypatch.setattr(executors, "_dask_client", refuse)
    with executor_session("dask", workers=2) as session:
        assert session.run([], show_progress=False) == []
        assert session.run([], show_progress=False) == []
    assert run_tasks([], 2, executor="dask", show_progress=False) == []


def test_a_session_serves_only_the_executor_it_was_opened_for():
    tasks = Experiment.comparison(Params().replace({"org.employees": 100, "run.steps": 4}),
                                  ["none"], 1).tasks()
    with (executor_session("local", workers=1) as session,
          pytest.raises(ValueError, match="but the session is for executor 'local'")):
        run_tasks(tasks, 1, executor="dask", session=session)
    ended = executor_session("dask")
    with ended:
        pass
    with pytest.raises(RuntimeError, match="session has ended"):
        ended.run(tasks, show_progress=False)


def test_a_local_experiment_imports_nothing_of_dask(tmp_path):
    code = ("import sys\n"
            "from pathlib import Path\n"
            "from sim.engine.params import Params\n"
            "from sim.experiments.design import Experiment\n"
            "from sim.experiments.pipeline import run_experiment\n"
            "params = Params().replace({'org.employees': 100, 'run.steps': 4})\n"
            "experiment = Experiment.comparison(params, ['none', 'org_wide_first'], 2)\n"
            f"run_experiment(experiment, Path({str(tmp_path / 'out')!r}), show_progress=False)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', "
            "'distributed')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "out" / "manifest.json").is_file()
