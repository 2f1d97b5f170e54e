"""Executors: nothing outlives the main process, no dashboard, one-line errors for dead workers
and unreachable schedulers."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import sim.experiments.executors as executors
import sim.experiments.lifetime as lifetime
from sim.engine.params import Params
from sim.experiments.design import Experiment
from sim.experiments.executors import SchedulerError, WorkerError, check_scheduler, run_tasks
from sim.experiments.store import RunStore

ROOT = Path(__file__).resolve().parents[1]
ORGLEARN = Path(sys.executable).with_name("orglearn")
DEFAULT = ROOT / "scenarios" / "default.toml"

EXPERIMENT = """
[experiment]
name = "tiny-dask"
description = "A short sweep for the executor tests."
scenario = "{scenario}"
design = "grid"
replications = 2
seed = 5
steps = 10

[levers]
strategies = ["none", "org_wide_first"]

[overrides]
"org.employees" = 150
"""


def processes(session=None, parent=None):
    """Live (not zombie) processes, by pid, of a session or with a parent: ``{pid: ppid}``."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, ppid, sid = fields[0], int(fields[1]), int(fields[3])
        if state != "Z" and (sid == session or ppid == parent):
            found[int(entry)] = ppid
    return found


def listening_ports(pids):
    """TCP ports in LISTEN state held by the processes ``pids``."""
    ports = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                if fields[3] == "0A":
                    ports[fields[9]] = int(fields[1].rsplit(":", 1)[1], 16)
    held = set()
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:  # closed meanwhile (e.g. the listing's own)
                continue
            if link.startswith("socket:[") and link[8:-1] in ports:
                held.add(ports[link[8:-1]])
    return held


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_run_tasks(count, employees=200, steps=20):
    params = Params().replace({"org.employees": employees, "run.steps": steps})
    return Experiment.comparison(params, ["none"], count).tasks()


def assert_store_complete(store, weeks):
    """Every run the store counts as finished reads back whole; return how many there are."""
    runs, series = RunStore(store.parent).stored()
    assert runs.num_rows == len(RunStore(store.parent).done())
    assert series.num_rows == weeks * runs.num_rows
    return runs.num_rows


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_compare_leaves_no_process_and_keeps_whole_runs(sig, tmp_path):
    out = tmp_path / "out"
    err = tmp_path / "stderr.txt"
    command = [str(ORGLEARN), "compare", str(DEFAULT), "--set", "org.employees=2000",
               "--replications", "6", "--workers", "2", "--out", str(out)]
    with open(err, "w") as stderr:  # not a pipe: orphans holding it would block reading it
        main = subprocess.Popen(command, cwd=tmp_path, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        deadline = time.monotonic() + 60
        workers_since = None
        while time.monotonic() < deadline and main.poll() is None:
            if RunStore(out).done():
                break
            if workers_since is None and len(processes(session=main.pid)) >= 5:
                workers_since = time.monotonic()  # main, tracker, fork server, 2 workers
            if workers_since is not None and time.monotonic() - workers_since > 5:
                break
            time.sleep(0.05)
        assert main.poll() is None, err.read_text()
        assert len(processes(session=main.pid)) >= 5  # the workers are running
        main.send_signal(sig)
        signalled = time.monotonic()
        code = main.wait(timeout=20)
        left = processes(session=main.pid)
        while left and time.monotonic() - signalled < 10:
            time.sleep(0.1)
            left = processes(session=main.pid)
        assert not left, f"still running {time.monotonic() - signalled:.1f} s after the signal"
    finally:
        if main.poll() is None:
            main.kill()
        if processes(session=main.pid):
            os.killpg(main.pid, signal.SIGKILL)
    kept = assert_store_complete(out / "store", weeks=105)
    if sig == signal.SIGTERM:
        message = err.read_text()
        assert code == 143
        assert message.count("\n") == 1, message
        assert f"interrupted; {kept} finished runs are kept" in message and "--resume" in message
    else:
        assert code == -signal.SIGKILL


def test_an_interrupt_ends_the_running_workers_at_once():
    tasks = one_run_tasks(6, employees=500, steps=40)

    def interrupt(result):
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_tasks(tasks, workers=2, show_progress=False, on_result=interrupt)
    forkservers = processes(parent=os.getpid())
    workers = {pid for server in forkservers for pid in processes(parent=server)}
    assert not workers, f"workers still running {time.monotonic() - started:.1f} s in"


def test_a_dead_worker_is_one_error_naming_the_runs_in_flight():
    tasks = one_run_tasks(40, employees=300, steps=20)
    killed = []

    def kill_a_worker(result):
        if not killed:
            servers = processes(parent=os.getpid())
            worker = next(pid for server in servers for pid in processes(parent=server))
            os.kill(worker, signal.SIGKILL)
            killed.append(worker)

    with pytest.raises(WorkerError, match="killed by SIGKILL") as error:
        run_tasks(tasks, workers=2, show_progress=False, on_result=kill_a_worker)
    message = str(error.value)
    assert "strategy 'none' replication" in message and "--resume" in message
    assert "\n" not in message


def test_a_run_out_of_memory_is_one_error(monkeypatch):
    def out_of_memory(task):
        raise MemoryError

    monkeypatch.setattr(executors, "execute", out_of_memory)
    with pytest.raises(WorkerError, match="replication 0 ran out of memory.*--resume"):
        run_tasks(one_run_tasks(2), show_progress=False)


@pytest.mark.parametrize("pidfd", [True, False], ids=["pidfd", "polling"])
def test_waiting_for_a_process_returns_once_it_ended(pidfd):
    child = subprocess.Popen(["sleep", "0.3"])  # left unreaped: a zombie counts as ended
    started = time.monotonic()
    lifetime.wait_for_exit(child.pid, poll=0.05, pidfd=pidfd)
    assert 0.2 < time.monotonic() - started < 5
    child.wait()
    lifetime.wait_for_exit(child.pid, pidfd=pidfd)  # long gone: returns at once


def test_sigterm_raises_keyboard_interrupt_once_and_the_handler_is_restored():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), lifetime.sigterm_as_interrupt() as received:
        assert not received()
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
    assert received()
    assert signal.getsignal(signal.SIGTERM) is before


def test_check_scheduler_accepts_a_scheduler_and_refuses_anything_else():
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=0, processes=False, protocol="tcp", host="127.0.0.1",
                      dashboard_address=None) as cluster:
        check_scheduler(cluster.scheduler_address)
        check_scheduler(cluster.scheduler_address.removeprefix("tcp://"))
    with socket.create_server(("127.0.0.1", 0)) as server:  # accepts, but says nothing
        with pytest.raises(SchedulerError, match="something answers, but not a Dask "
                                                 "scheduler"):
            check_scheduler(f"tcp://127.0.0.1:{server.getsockname()[1]}", timeout=1)
    port = free_port()
    with pytest.raises(SchedulerError, match=r"no Dask scheduler answers there \(connection "
                                             r"refused\); start one with 'dask scheduler"):
        check_scheduler(f"tcp://127.0.0.1:{port}", timeout=2)
    for bad in ("http://host:8786", "tcp://host:99999", "tcp://:8786", "tcp://host:1/x"):
        with pytest.raises(SchedulerError, match="allowed: tcp://host:port"):
            check_scheduler(bad)


@pytest.mark.parametrize("address, reason", [
    ("tcp://127.0.0.1:{port}", "no Dask scheduler answers there (connection refused); start "
                               "one with 'dask scheduler --host 127.0.0.1' or leave --scheduler "
                               "out"),
    ("http://127.0.0.1:{port}", "scheme 'http' is not allowed; allowed: tcp://host:port"),
])
def test_an_unreachable_scheduler_exits_2_in_one_line_before_creating_anything(
        address, reason, tmp_path, capsys):
    from sim.cli import main

    experiment = tmp_path / "tiny.toml"
    experiment.write_text(EXPERIMENT.format(scenario=DEFAULT))
    out = tmp_path / "out"
    address = address.format(port=free_port())
    started = time.monotonic()
    with pytest.raises(SystemExit) as exit_info:
        main(["sweep", str(experiment), "--executor", "dask", "--scheduler", address,
              "--out", str(out)])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.startswith(f"orglearn: error: --scheduler {address}: {reason}")
    assert err.count("\n") == 1
    assert not out.exists()
    assert time.monotonic() - started < 10


@pytest.mark.slow
def test_a_local_dask_sweep_serves_no_dashboard_nor_pages():
    from dask.distributed import Client

    seen = {}

    def inspect(result):
        if seen:
            return
        info = Client.current().scheduler_info()
        seen["http"] = [info["services"]["dashboard"]]
        seen["http"] += [w["services"]["dashboard"] for w in info["workers"].values()]
        seen["answers"] = set()
        for port in seen["http"]:
            for page in ("/info/main/workers.html", "/health", "/metrics", "/status"):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{page}", timeout=5)
                except urllib.error.HTTPError as error:
                    seen["answers"].add(error.code)
                else:
                    seen["answers"].add(200)
        seen["listening"] = listening_ports({os.getpid(), *processes(parent=os.getpid())})

    results = run_tasks(one_run_tasks(3, employees=150, steps=10), workers=1,
                        executor="dask", show_progress=False, on_result=inspect)
    assert len(results) == 3
    assert len(seen["http"]) == 2 and 8787 not in seen["http"]  # the scheduler's, the worker's
    assert seen["answers"] == {404}
    assert 8787 not in seen["listening"] and len(seen["listening"]) >= 3
