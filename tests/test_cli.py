"""The ``orglearn`` command line, tested across a real process boundary.

Every ``orglearn`` process imports mesa, which takes seconds, so the processes of this module are
started once, in a module-scoped fixture: one small run first (it also warms the bytecode cache,
see :func:`child_env`), then everything else concurrently. The tests only inspect the results.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pyarrow.parquet as pq
import pytest

from sim.cli import main
from sim.config.scenario import load_scenario
from sim.engine.params import SCHEMA
from sim.engine.strategies import STRATEGIES

ROOT = Path(__file__).resolve().parents[1]
ORGLEARN = Path(sys.executable).with_name("orglearn")
DEFAULT = "scenarios/default.toml"  # relative to ROOT, the working folder of every process
SHIPPED = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "scenarios").glob("*.toml"))
STEPS = 10
SMALL = ("--set", "org.employees=150", "--steps", str(STEPS))
SEED, OTHER_SEED = 3, 4
KPIS = ("aware_share", "participating_share", "contributing_share", "mean_knowledge",
        "performance", "error_rate", "active_communities", "silo_index")
SHARES = ("aware_share", "participating_share", "contributing_share", "performance",
          "error_rate")

BAD_FILES: dict[str, str | bytes] = {
    "typo.toml": "[org]\nemployes = 137\n",
    "wrong-type.toml": '[org]\nemployees = "ten"\n',
    "out-of-range.toml": "[culture]\npsychological_safety = 1.5\n",
    "syntax.toml": "[org\nemployees = 150\n",
    "not-utf8.toml": b"\xff\xfe[org]\nemployees = 150\n",
}


@dataclass(frozen=True)
class Bad:
    """A bad ``orglearn run`` invocation and what its error line must mention.

    ``scenario`` is a file name in the folder of bad files, or ``DEFAULT``. In ``expect``,
    ``{file}`` stands for the scenario path as given; a compiled pattern is searched for.
    """

    id: str
    scenario: str
    extra: tuple[str, ...] = ()
    expect: tuple[str | re.Pattern[str], ...] = ()

    def args(self, bad_dir: Path) -> list[str]:
        return ["run", self.path(bad_dir), *self.extra]

    def path(self, bad_dir: Path) -> str:
        return self.scenario if self.scenario == DEFAULT else str(bad_dir / self.scenario)


LONE_ZERO = re.compile(r"(?<![\w.])0(?![\w.])")

BAD_RUNS = (
    Bad("file-unknown-key", "typo.toml",
        expect=("{file}", "org.employes", "137", "org.employees")),
    Bad("file-wrong-type", "wrong-type.toml",
        expect=("{file}", "org.employees", "ten", "integer")),
    Bad("file-out-of-range", "out-of-range.toml",
        expect=("{file}", "culture.psychological_safety", "1.5", "[0, 1]")),
    Bad("file-invalid-toml", "syntax.toml", expect=("{file}", "TOML")),
    Bad("file-not-utf8", "not-utf8.toml", expect=("{file}",)),
    Bad("file-missing", "missing.toml", expect=("{file}",)),
    Bad("set-unknown-key", DEFAULT, ("--set", "org.employes=137"),
        expect=("--set", "org.employes", "137", "org.employees")),
    Bad("set-out-of-range", DEFAULT, ("--set", "culture.psychological_safety=7.25"),
        expect=("--set", "culture.psychological_safety", "7.25", "[0, 1]")),
    Bad("set-without-equals", DEFAULT, ("--set", "org.employees"),
        expect=("--set", "org.employees", "key=value")),
    Bad("steps-zero", DEFAULT, ("--steps", "0"), expect=("--steps", LONE_ZERO, "5200")),
    Bad("seed-not-a-number", DEFAULT, ("--seed", "abc"), expect=("--seed", "abc", "integer")),
    Bad("unknown-option", DEFAULT, ("--sed", "3"), expect=("--sed",)),
)


def child_env(pycache: Path) -> dict[str, str]:
    """The environment of an ``orglearn`` process: output as when piped to a file.

    Without ``COLUMNS`` rich renders at its default width, as in ``orglearn ... > file``. If
    bytecode writing is switched off, every process would compile mesa, pandas and scipy from
    source (~6 s); a bytecode cache in the session's temporary folder cuts that to ~2 s.
    """
    env = dict(os.environ)
    for name in ("COLUMNS", "LINES", "FORCE_COLOR"):
        env.pop(name, None)
    if env.pop("PYTHONDONTWRITEBYTECODE", None):
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def orglearn(env: dict[str, str], *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ORGLEARN), *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too), by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def write_bad_files(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in BAD_FILES.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            (folder / name).write_text(content, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def bad_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_bad_files(tmp_path_factory.mktemp("bad-scenarios"))


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory, bad_dir: Path) -> SimpleNamespace:
    """Run every ``orglearn`` process of the module; return their outcomes and folders."""
    base = tmp_path_factory.mktemp("cli")
    env = child_env(base / "pycache")
    run_a = base / "run-a"
    first = orglearn(env, "run", DEFAULT, *SMALL, "--seed", SEED, "--out", run_a)
    assert first.returncode == 0, first.stderr
    previous = snapshot(run_a)

    jobs: dict[str, list[object]] = {
        "run-b": ["run", DEFAULT, *SMALL, "--seed", SEED, "--out", base / "run-b"],
        "bad-into-new-folder": ["run", bad_dir / "typo.toml", *SMALL,
                                "--out", base / "new" / "deeper"],
        "validate-shipped": ["validate", *SHIPPED],
        "validate-bad": ["validate", DEFAULT, bad_dir / "typo.toml", "scenarios/siloed.toml"],
        "list-strategies": ["list", "strategies"],
        "list-params": ["list", "params"],
        "list-bogus": ["list", "bogus"],
    }
    kept: dict[str, Path] = {}
    for case in BAD_RUNS:
        # An earlier run's results plus a file of the user's, in the folder the bad run targets.
        out = base / f"kept-{case.id}"
        shutil.copytree(run_a, out)
        (out / "notes.txt").write_text("the user's own notes\n", encoding="utf-8")
        kept[case.id] = out
        jobs[case.id] = [*case.args(bad_dir), "--out", out]
    before = {case_id: snapshot(out) for case_id, out in kept.items()}

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {name: pool.submit(orglearn, env, *args) for name, args in jobs.items()}
        results = {name: future.result() for name, future in futures.items()}
    results["run-a"] = first
    return SimpleNamespace(base=base, run_a=run_a, run_b=base / "run-b",
                           previous=previous, kept=kept, before=before, results=results)


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    """Check the shape of a bad-input outcome; return its one stderr line."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{result.stderr}"
    assert result.returncode == 2, (result.returncode, result.stderr)
    return lines[0]


# --- a good run --------------------------------------------------------------------------------


def test_run_exits_0_and_writes_the_three_files(cli):
    result = cli.results["run-a"]
    assert result.returncode == 0
    assert "Traceback" not in result.stderr
    names = {p.name for p in cli.run_a.iterdir()}
    assert {"timeseries.parquet", "timeseries.csv", "manifest.json"} <= names
    assert not [n for n in names if n.startswith(".")], f"temporary files left: {names}"


def test_manifest_records_parameters_seed_steps_versions_and_scenario(cli):
    manifest = json.loads((cli.run_a / "manifest.json").read_text(encoding="utf-8"))
    expected = load_scenario(ROOT / DEFAULT, ["org.employees=150"], seed=SEED, steps=STEPS)
    assert manifest["parameters"] == json.loads(json.dumps(expected.nested()))
    assert manifest["parameters"]["org"]["employees"] == 150
    assert manifest["seed"] == SEED and manifest["steps"] == STEPS
    versions = manifest["versions"]
    assert versions["python"] == platform.python_version()
    for package in ("mesa", "numpy"):
        assert versions[package] and versions[package] != "not installed", package
    assert "git_commit" in manifest
    timings = manifest["timings_s"]
    assert timings and all(isinstance(v, int | float) and v >= 0 for v in timings.values())
    scenario = manifest["scenario"]
    assert (ROOT / scenario["file"]).resolve() == (ROOT / DEFAULT).resolve()
    assert scenario["sha256"] == hashlib.sha256((ROOT / DEFAULT).read_bytes()).hexdigest()


def test_parquet_has_one_row_per_week_with_keys_and_kpis(cli):
    table = pq.read_table(cli.run_a / "timeseries.parquet")
    columns = table.column_names
    divisions = load_scenario(ROOT / DEFAULT).org.divisions
    required = ["scenario", "seed", "step", *KPIS,
                *(f"knowledge_div_{d}" for d in range(divisions))]
    assert not [c for c in required if c not in columns], columns
    data = table.to_pydict()
    assert table.num_rows == STEPS + 1
    assert data["step"] == list(range(STEPS + 1))
    assert set(data["scenario"]) == {"default"}
    assert set(data["seed"]) == {SEED}
    for kpi in SHARES:
        assert all(0 <= v <= 1 for v in data[kpi]), (kpi, data[kpi])
    assert all(-1 <= v <= 1 for v in data["mean_knowledge"])


def test_csv_holds_the_same_table_as_the_parquet(cli):
    table = pq.read_table(cli.run_a / "timeseries.parquet").to_pydict()
    with (cli.run_a / "timeseries.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(table)
    assert len(rows) == 1 + STEPS + 1
    for i, row in enumerate(rows[1:]):
        for name, text in zip(rows[0], row, strict=True):
            expected = table[name][i]
            if isinstance(expected, str):
                assert text == expected
            elif math.isnan(expected):
                assert math.isnan(float(text)), (name, i, text)
            else:
                assert float(text) == pytest.approx(expected, rel=1e-12), (name, i)


# --- determinism -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["timeseries.parquet", "timeseries.csv"])
def test_same_seed_in_two_processes_gives_identical_bytes(cli, name):
    assert cli.results["run-b"].returncode == 0, cli.results["run-b"].stderr
    assert (cli.run_a / name).read_bytes() == (cli.run_b / name).read_bytes()


def test_other_seed_gives_other_numbers(cli, tmp_path, capsys):
    # In process, to save a process start; the same-seed comparison above crosses processes.
    with pytest.raises(SystemExit) as info:
        main(["run", str(ROOT / DEFAULT), *SMALL, "--seed", str(OTHER_SEED),
              "--out", str(tmp_path)])
    assert info.value.code == 0, capsys.readouterr().err
    a = pq.read_table(cli.run_a / "timeseries.parquet").to_pydict()
    c = pq.read_table(tmp_path / "timeseries.parquet").to_pydict()
    assert set(c["seed"]) == {OTHER_SEED}
    kpis = [k for k in a if k not in ("scenario", "seed", "step")]
    assert [k for k in kpis if a[k] != c[k]], "no KPI differs between seeds"


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", BAD_RUNS, ids=lambda c: c.id)
def test_bad_input_exits_2_with_one_line_and_no_traceback(cli, case):
    line = error_line(cli.results[case.id])
    assert line.strip()


@pytest.mark.parametrize("case", BAD_RUNS, ids=lambda c: c.id)
def test_bad_input_line_names_source_key_value_and_what_is_allowed(cli, bad_dir, case):
    result = cli.results[case.id]
    lines = result.stderr.splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    line = lines[0]
    for fragment in case.expect:
        if isinstance(fragment, re.Pattern):
            assert fragment.search(line), f"{fragment.pattern!r} not in: {line}"
        else:
            text = fragment.replace("{file}", case.path(bad_dir))
            assert text in line, f"{text!r} not in: {line}"


@pytest.mark.parametrize("case", BAD_RUNS, ids=lambda c: c.id)
def test_bad_input_leaves_an_existing_out_folder_untouched(cli, case):
    assert cli.results[case.id].returncode != 0
    after = snapshot(cli.kept[case.id])
    assert after == cli.before[case.id]
    assert {k: v for k, v in after.items() if k != "notes.txt"} == cli.previous


def test_bad_input_does_not_create_a_new_out_folder(cli):
    error_line(cli.results["bad-into-new-folder"])
    assert not (cli.base / "new").exists()


@pytest.mark.parametrize("case", BAD_RUNS, ids=lambda c: c.id)
def test_bad_input_in_process_exits_2_and_creates_no_folder(bad_dir, tmp_path, capsys, case):
    out = tmp_path / "new" / "deeper"
    with pytest.raises(SystemExit) as info:
        main([*case.args(bad_dir), "--out", str(out)])
    assert info.value.code == 2
    assert not (tmp_path / "new").exists()
    assert len(capsys.readouterr().err.splitlines()) == 1


# --- validate and list -------------------------------------------------------------------------


def test_validate_says_ok_for_every_shipped_scenario(cli):
    result = cli.results["validate-shipped"]
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for path in SHIPPED:
        assert [line for line in lines if path in line and "ok" in line], (path, result.stdout)


def test_validate_exits_2_on_a_bad_file(cli, bad_dir):
    result = cli.results["validate-bad"]
    line = error_line(result)
    assert str(bad_dir / "typo.toml") in line and "org.employes" in line
    assert re.search(rf"{re.escape(DEFAULT)}\S*\s+ok", result.stdout), result.stdout


def test_validate_tells_experiments_by_their_table_not_their_text(tmp_path, capsys):
    # In process, to save a process start.
    scenario = tmp_path / "scenario.toml"
    scenario.write_text("# Used by the [experiment] files next to it.\n"
                        + (ROOT / DEFAULT).read_text(encoding="utf-8"), encoding="utf-8")
    experiment = tmp_path / "experiment.toml"
    experiment.write_text('[experiment]\nname = "t"\ndescription = "A test."\n'
                          'scenario = "scenario.toml"\ndesign = "grid"\nreplications = 2\n'
                          'seed = 1\n\n[levers]\nstrategies = ["org_wide_first"]\n',
                          encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["validate", str(scenario), str(experiment)])
    out, err = capsys.readouterr()
    assert info.value.code == 0, err
    assert f"{scenario}: ok\n" in out and f"{experiment}: ok (2 runs)" in out


def test_list_strategies_names_every_strategy_with_its_summary(cli):
    result = cli.results["list-strategies"]
    assert result.returncode == 0, result.stderr
    for name, cls in STRATEGIES.items():
        words = [re.escape(word) for word in [name, *cls.summary.split()]]
        assert re.search(r"\s+".join(words), result.stdout), (name, result.stdout)


def test_list_strategies_gives_one_line_per_strategy(cli):
    # A listing meant for grep: name and whole summary on one line, also when piped.
    lines = cli.results["list-strategies"].stdout.splitlines()
    for name, cls in STRATEGIES.items():
        assert [line for line in lines
                if line.split()[:1] == [name] and cls.summary in line], (name, lines)


def test_list_params_mentions_every_schema_key(cli):
    result = cli.results["list-params"]
    assert result.returncode == 0, result.stderr
    missing = [p.key for p in SCHEMA
               if not re.search(rf"(?<![\w.]){re.escape(p.key)}(?![\w.])", result.stdout)]
    assert not missing, f"{len(missing)} keys missing or cut, e.g. {missing[:5]}"


def test_list_bogus_exits_2_with_one_line(cli):
    line = error_line(cli.results["list-bogus"])
    assert "bogus" in line and "strategies" in line and "params" in line
