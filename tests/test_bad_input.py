"""Input that validates in the schema but cannot run: one line, exit 2, nothing written.

Each case is one a user met: a scenario nested thousands of levels deep, more unofficial groups
than community slots, an organisation or a design too big for memory, a billion replications, a
scenario name that climbs out of ``results/``, an output folder that cannot be written.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = str(ROOT / "scenarios" / "default.toml")
ORGLEARN = Path(sys.executable).with_name("orglearn")

EXPERIMENT = """
[experiment]
name = "big"
description = "A design too big to run."
scenario = "{scenario}"
design = "{design}"
{samples}
replications = {replications}
seed = 1

[levers]
strategies = ["none", "org_wide_first"]

[uncertainties]
{uncertainties}
"""


def run_cli(args, capsys, cwd: Path):
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with pytest.raises(SystemExit) as exit_info:
            main(args)
    finally:
        os.chdir(old)
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


def one_line(err: str) -> str:
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err[:2000]
    assert lines[0].startswith("orglearn: error: ") and "Traceback" not in err
    return lines[0]


def only(folder: Path, names: set[str]) -> None:
    assert {p.name for p in folder.iterdir()} == names, "something was written"


SCENARIOS = {
    "nested": ("a = " + "[" * 5000 + "]" * 5000 + "\n",
               ("nested too deeply",)),
    "capacity": ("[org]\nunofficial_groups = 100\n",
                 ("org.unofficial_groups = 100", "community.max_communities - 1 (63)")),
    "ties": ("[org]\nemployees = 200000\ninformal_degree = 100000\n",
             ("org.informal_degree = 100000", "org.employees = 200000", "GiB", "ties",
              "is available")),
    "dimensions": ("[org]\nemployees = 500000\n[knowledge]\ndimensions = 1000\n",
                   ("knowledge.dimensions = 1000", "GiB", "is available")),
    "escape": ('[scenario]\nname = "../../../ESCAPED"\n',
               ("scenario.name = '../../../ESCAPED'", "names a results folder")),
}


ODD_FILES = {  # each once gave a traceback or a message of two lines
    "digits": "[community]\ncadence = " + "9" * 4301 + "\n",
    "hex": "[org]\nrewiring = 0x" + "f" * 3600 + "\n",
    "deep-header": "[org" + ".a" * 1000 + "]\nb = 1\n",
    "line-separator-key": '"\u2028" = false\n',
    "long-chart-path": '[org]\nchart = "' + "a" * 5000 + '"\n',
    "nul-in-chart-path": '[org]\nchart = "\u0000"\n',
}


@pytest.mark.parametrize("case", sorted(ODD_FILES))
def test_odd_files_get_one_line(case, capsys, tmp_path):
    (tmp_path / "s.toml").write_text(ODD_FILES[case])
    code, _, err = run_cli(["validate", str(tmp_path / "s.toml")], capsys, tmp_path)
    assert code == 2 and "s.toml" in one_line(err)
    assert len(err.strip("\n").splitlines()) == 1  # no line break of any kind


def test_a_ties_file_with_weights_but_no_rows_runs(capsys, tmp_path):
    (tmp_path / "employees.csv").write_text("id,manager_id,division\ne0,,Ops\ne1,e0,Ops\n")
    (tmp_path / "ties.csv").write_text("a,b,weight\n")
    (tmp_path / "s.toml").write_text('[org]\nchart = "employees.csv"\n'
                                     'collaboration = "ties.csv"\n')
    code, _, err = run_cli(["run", "s.toml", "--steps", "1", "--out", "out"], capsys, tmp_path)
    assert code == 0, err


@pytest.mark.parametrize("case", sorted(SCENARIOS))
@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_scenario_that_cannot_run_is_refused_in_one_line(case, command, capsys, tmp_path,
                                                           monkeypatch):
    monkeypatch.setenv("ORGLEARN_MEMORY_LIMIT", "4GiB")  # the same verdict on any machine
    text, fragments = SCENARIOS[case]
    (tmp_path / "s.toml").write_text(text)
    args = [command, "s.toml"] + (["--steps", "1"] if command == "run" else [])
    code, out, err = run_cli(args, capsys, tmp_path)
    line = one_line(err)
    assert code == 2 and "s.toml" in line
    for fragment in fragments:
        assert fragment in line
    only(tmp_path, {"s.toml"})


@pytest.mark.parametrize("design, samples, replications, uncertainties, fragments", [
    ("sobol", "samples = 1073741824", 2, '"org.rewiring" = { low = 0.0, high = 0.5 }',
     ("experiment.samples = 1073741824", "at most 100,000 runs", "3,221,225,472 contexts")),
    ("grid", "", 1000000000, '"org.rewiring" = [0.1, 0.2]',
     ("experiment.replications = 1000000000", "at most 100,000 runs")),
    ("grid", "", 2, '"org.unofficial_groups" = [5, 100]',
     ("uncertainties.org.unofficial_groups = 100", "in context 1")),
    ("grid", "", 2, '"org.informal_degree" = [6, 100000]\n"org.employees" = [200000]',
     ("org.informal_degree = 100000", "in its largest run", "is available")),
])
def test_an_experiment_that_cannot_run_is_refused_at_validate(
        design, samples, replications, uncertainties, fragments, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("ORGLEARN_MEMORY_LIMIT", "4GiB")
    (tmp_path / "e.toml").write_text(EXPERIMENT.format(
        scenario=DEFAULT, design=design, samples=samples, replications=replications,
        uncertainties=uncertainties))
    for command in (["validate", "e.toml"], ["sweep", "e.toml", "--out", "out"]):
        started = time.monotonic()
        code, _, err = run_cli(command, capsys, tmp_path)
        line = one_line(err)
        assert code == 2 and "e.toml" in line, line
        for fragment in fragments:
            assert fragment in line, line
        assert time.monotonic() - started < 30, "the design was built before it was refused"
    only(tmp_path, {"e.toml"})


def test_a_billion_replications_are_refused_before_anything_is_built(capsys, tmp_path):
    code, _, err = run_cli(["compare", DEFAULT, "--replications", "1000000000",
                            "--out", "out"], capsys, tmp_path)
    line = one_line(err)
    assert code == 2 and "--replications = 1000000000" in line and "100,000 runs" in line
    assert not (tmp_path / "out").exists()


def test_runs_that_fit_alone_but_not_with_all_workers_say_so(capsys, tmp_path, monkeypatch):
    from sim.engine.params import Params
    from sim.engine.resources import estimate_run_memory

    need = estimate_run_memory(Params().replace({"org.employees": 20000})).total
    monkeypatch.setenv("ORGLEARN_MEMORY_LIMIT", str(int(need * 1.5)))
    code, _, err = run_cli(["compare", DEFAULT, "--set", "org.employees=20000",
                            "--workers", "2", "--out", "out"], capsys, tmp_path)
    line = one_line(err)
    assert code == 2 and "2 workers at once need" in line and "fewer --workers" in line
    assert not (tmp_path / "out").exists()


def test_a_second_command_into_a_finished_folder_keeps_it(capsys, tmp_path):
    small = ["--set", "org.employees=120", "--steps", "3", "--workers", "1",
             "--strategies", "none,org_wide_first"]
    code, _, _ = run_cli(["compare", DEFAULT, *small, "--replications", "3", "--out", "out"],
                         capsys, tmp_path)
    assert code == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir() if p.is_file()}
    for command in (["compare", DEFAULT, *small, "--replications", "2", "--out", "out"],
                    ["run", DEFAULT, "--steps", "3", "--out", "out"]):
        code, _, err = run_cli(command, capsys, tmp_path)
        line = one_line(err)
        assert code == 2 and "--force" in line and "holds the finished results" in line
        after = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir() if p.is_file()}
        assert after == before


def _without_override():
    """Root may write anywhere: drop its capability to override file permissions (Linux)."""
    if os.geteuid() == 0:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_capbset_drop, cap_dac_override, cap_dac_read_search = 24, 1, 2
        for capability in (cap_dac_override, cap_dac_read_search):
            if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


@pytest.mark.slow
@pytest.mark.parametrize("command", [
    # Each would take many minutes: an error that came after the runs would come far too late.
    ["run", DEFAULT, "--steps", "5200", "--set", "org.employees=20000"],
    ["compare", DEFAULT, "--steps", "5200", "--set", "org.employees=20000"],
    ["sweep", str(ROOT / "experiments" / "phase-diagram.toml")],
])
def test_an_unwritable_folder_is_reported_before_anything_runs(command, tmp_path):
    base = tmp_path / "read-only"
    base.mkdir()
    base.chmod(0o555)
    try:
        result = subprocess.run([str(ORGLEARN), *command, "--out", str(base / "out")],
                                capture_output=True, text=True, timeout=60, cwd=base,
                                preexec_fn=_without_override)
    finally:
        base.chmod(0o755)
    line = one_line(result.stderr)
    assert result.returncode == 2 and "cannot be written" in line and str(base) in line
    assert result.stdout == "" and not any(base.iterdir())


def test_make_run_writes_outside_the_committed_tree():
    """`make run` must leave a fresh clone clean: its results folder is ignored by git."""
    recipe = (ROOT / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "orglearn compare scenarios/default.toml" in recipe and "--out" not in recipe
    out = ROOT / "results" / "compare-default"  # compare's default folder for this scenario
    ignored = subprocess.run(["git", "check-ignore", "-q", str(out / "manifest.json")],
                             cwd=ROOT, capture_output=True)
    assert ignored.returncode == 0, "results/compare-default/ would dirty the tree"
