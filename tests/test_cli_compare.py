"""`orglearn compare` and `orglearn list strategies` from the command line (in process)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.cli import main
from sim.engine.strategies import STRATEGIES
from sim.experiments.store import RunStore

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = str(ROOT / "scenarios" / "default.toml")


def run_cli(args, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


@pytest.mark.parametrize("args, fragment", [
    (["--strategies", "none,start_small"], "--strategies: 'start_small' is not a strategy"),
    (["--replications", "1"], "--replications: 1 is not allowed; allowed: an integer >= 2"),
    (["--workers", "0"], "--workers: 0 is not allowed"),
    (["--strategies", "none,org_wide_first", "--reference", "leader_cascade"],
     "--reference: 'leader_cascade' is not among the compared strategies"),
    (["--set", "org.employes=5"], "--set: org.employes = '5' is not allowed"),
])
def test_bad_compare_input_exits_2_with_one_line(args, fragment, capsys, tmp_path):
    out = tmp_path / "never"
    code, _, err = run_cli(["compare", DEFAULT, "--out", str(out), *args], capsys)
    assert code == 2
    assert err.count("\n") == 1 and fragment in err and "Traceback" not in err
    assert not out.exists()


def test_compare_prints_a_verdict_per_headline_kpi(capsys, tmp_path):
    code, out, _ = run_cli(["compare", DEFAULT, "--strategies", "none,org_wide_first",
                            "--replications", "2", "--workers", "1", "--set",
                            "org.employees=150", "--steps", "12", "--out", str(tmp_path)],
                           capsys)
    assert code == 0
    verdict_lines = [line for line in out.splitlines() if line.startswith("- On ")]
    assert len(verdict_lines) == 5
    assert "report: " in out and (tmp_path / "report.md").exists()


def test_list_strategies_shows_summaries_and_parameters(capsys):
    code, out, _ = run_cli(["list", "strategies"], capsys)
    assert code == 0
    for name in STRATEGIES:
        assert any(line.startswith(name) for line in out.splitlines())
    assert "pilot_groups = 4" in out and "cascade_every = 4" in out


@pytest.mark.slow
def test_an_interrupted_comparison_keeps_its_runs_and_resumes_to_the_same_bytes(tmp_path):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) midway, then --resume."""
    orglearn = Path(sys.executable).with_name("orglearn")
    command = [str(orglearn), "compare", DEFAULT, "--strategies",
               "none,small_groups_first,org_wide_first", "--replications", "4", "--workers", "2",
               "--set", "org.employees=1000", "--steps", "40"]
    stopped, whole = tmp_path / "stopped", tmp_path / "whole"
    process = subprocess.Popen([*command, "--out", str(stopped)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    store = RunStore(stopped)
    deadline = time.monotonic() + 120
    while len(store.done()) < 3 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=120)
    kept = len(store.done())
    assert process.returncode == 130
    assert 3 <= kept < 12, f"interrupt came at {kept} runs"
    assert err == (f"orglearn: interrupted; {kept} finished runs are kept in {stopped / 'store'}; "
                   "run the same command with --resume to continue\n")
    assert not (stopped / "runs.parquet").exists()

    again = subprocess.run([*command, "--out", str(stopped)], capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 2 and "add --resume" in again.stderr
    resumed = subprocess.run([*command, "--out", str(stopped), "--resume"], capture_output=True,
                             text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"12 runs ({kept} already stored)" in resumed.stdout
    assert not (stopped / "store").exists()  # consolidated, so the folder can be re-run
    subprocess.run([*command, "--out", str(whole)], check=True, capture_output=True, timeout=300)
    for name in ("runs.parquet", "timeseries.parquet", "summary.csv"):
        assert (stopped / name).read_bytes() == (whole / name).read_bytes(), name


def test_resume_refuses_runs_made_with_other_options(capsys, tmp_path):
    store = RunStore(tmp_path)
    store.open("compare x", "another digest", "x", "compare")
    code, _, err = run_cli(["compare", DEFAULT, "--strategies", "none,org_wide_first",
                            "--replications", "2", "--workers", "1", "--set",
                            "org.employees=150", "--steps", "12", "--out", str(tmp_path),
                            "--resume"], capsys)
    assert code == 2 and "different version" in err and err.count("\n") == 1
    assert not (tmp_path / "runs.parquet").exists()
