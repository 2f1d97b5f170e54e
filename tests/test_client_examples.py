"""The shipped client examples, end to end through the ``orglearn`` command line.

* ``scenarios/partnership.toml``: a flat law firm exported by a European Excel (semicolons,
  Windows-1252, meeting counts, nobody with a manager); what ``inspect`` detects, that it
  shows no id, name or label, and that ``compare`` leaves ``leader_cascade`` out (and refuses it
  when asked for by name).
* ``scripts/make-large-company.py``: an HRIS export of a large company, written
  deterministically; a small one is checked on every run, the full 50,000 people are run in a
  slow test.
* A 20-person team on default settings: a comparison whose report either has no degenerate KPI
  or says which ones are, and why, under "## Caveats".
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import subprocess
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sim.engine.metrics import RUN_KPIS

ROOT = Path(__file__).resolve().parents[1]
ORGLEARN = Path(sys.executable).with_name("orglearn")
PARTNERSHIP = "scenarios/partnership.toml"  # relative to ROOT, the working folder of processes
LAWYERS = ROOT / "scenarios/partnership/lawyers.csv"
MEETINGS = ROOT / "scenarios/partnership/meetings.csv"
MAKE_LARGE = ROOT / "scripts/make-large-company.py"
LABELS = {k.name: k.label for k in RUN_KPIS}


def orglearn(*args: object, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``orglearn ARGS`` in the project folder, output as when piped to a file."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR")}
    return subprocess.run([str(ORGLEARN), *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def make_large_company(out: Path, people: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(MAKE_LARGE), "--out", str(out), "--people",
                           str(people)], cwd=ROOT, capture_output=True, text=True, timeout=300)


def client_scenario(folder: Path, name: str, data: str) -> Path:
    """A scenario in ``folder`` that reads ``data/employees.csv`` and ``data/collaboration.csv``."""
    path = folder / f"{name}.toml"
    path.write_text(f'[scenario]\nname = "{name}"\n\n[org]\nchart = "{data}/employees.csv"\n'
                    f'collaboration = "{data}/collaboration.csv"\n', encoding="utf-8")
    return path


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# --- the partnership ----------------------------------------------------------------------------


def read_semicolons(path: Path) -> list[list[str]]:
    """The file's records, decoded as the Windows-1252 it is meant to be."""
    return list(csv.reader(io.StringIO(path.read_bytes().decode("cp1252"), newline=""),
                           delimiter=";"))


def test_partnership_files_are_written_as_a_european_excel_writes_them() -> None:
    raw = LAWYERS.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert b"\r\n" in raw and not raw.startswith(b"\xef\xbb\xbf")
    header, *rows = read_semicolons(LAWYERS)
    assert header == ["Staff ID", "Name", "Office", "Practice", "Status", "Manager"]
    assert 65 <= len(rows) <= 75
    names = " ".join(row[1] for row in rows)
    assert all(name in names for name in ("Müller", "Señora", "Zoë"))
    assert all(row[5] == "" for row in rows)
    assert {row[4] for row in rows} == {"Partner", "Associate"}
    ids = {row[0] for row in rows}
    assert len(ids) == len(rows)
    header, *meetings = read_semicolons(MEETINGS)
    assert header == ["From", "To", "Meetings"]
    counts = [int(row[2]) for row in meetings]
    assert min(counts) == 0 and max(counts) <= 40 and max(counts) > 1
    assert {row[0] for row in meetings} | {row[1] for row in meetings} <= ids
    pairs = {(row[0], row[1]) for row in meetings}
    assert any((b, a) in pairs for a, b in pairs)  # some pairs listed from both sides


def test_partnership_has_more_meetings_inside_a_practice() -> None:
    _, *rows = read_semicolons(LAWYERS)
    practice = {row[0]: row[3] for row in rows}
    _, *meetings = read_semicolons(MEETINGS)
    inside = sum(int(c) for a, b, c in meetings if practice[a] == practice[b])
    across = sum(int(c) for a, b, c in meetings if practice[a] != practice[b])
    assert inside > 2 * across


def test_partnership_validates() -> None:
    result = orglearn("validate", PARTNERSHIP)
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout and "no reporting lines" in result.stdout


@pytest.fixture(scope="module")
def partnership_inspect() -> subprocess.CompletedProcess[str]:
    return orglearn("inspect", PARTNERSHIP)


def test_partnership_inspect_says_what_it_detected(
        partnership_inspect: subprocess.CompletedProcess[str]) -> None:
    result = partnership_inspect
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    employees = next(line for line in lines if line.startswith("employees:"))
    assert "semicolon" in employees and "Windows-1252" in employees
    collaboration = next(line for line in lines if line.startswith("collaboration:"))
    assert "semicolon" in collaboration
    assert "count (detected)" in result.stdout
    assert "reporting lines: none" in result.stdout
    assert re.search(r"people: 71 in 6 divisions", result.stdout)
    assert re.search(r"\d+ dropped: count 0", result.stdout)  # the rows of 0 meetings
    assert re.search(r"[1-9]\d* rows merged by sum", result.stdout)  # pairs listed twice


def test_partnership_inspect_shows_no_id_name_or_label(
        partnership_inspect: subprocess.CompletedProcess[str]) -> None:
    text = partnership_inspect.stdout + partnership_inspect.stderr
    header, *rows = read_semicolons(LAWYERS)
    meetings_header = read_semicolons(MEETINGS)[0]
    words = {row[0] for row in rows}  # ids
    words |= {row[1] for row in rows} | {row[1].split()[-1] for row in rows}  # names, surnames
    words |= {row[k] for row in rows for k in (2, 3, 4)}  # offices, practices, statuses
    words |= set(header) | set(meetings_header)
    leaked = sorted(w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text))
    assert leaked == []


@pytest.fixture(scope="module")
def partnership_compare(tmp_path_factory: pytest.TempPathFactory) -> tuple[
        subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("partnership") / "out"
    return orglearn("compare", PARTNERSHIP, "--replications", 2, "--steps", 20, "--out", out), out


def test_partnership_compare_leaves_leader_cascade_out(
        partnership_compare: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, out = partnership_compare
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines()
                if line.startswith("orglearn: warning:")]
    assert any("leader_cascade is left out" in line and "no reporting lines" in line
               for line in warnings), result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "leader_cascade" not in manifest["strategies"]
    assert {"none", "small_groups_first", "org_wide_first"} <= set(manifest["strategies"])
    assert any("leader_cascade" in note and "no reporting lines" in note
               for note in manifest["notes"]), manifest["notes"]


def test_partnership_report_says_leader_cascade_is_left_out(
        partnership_compare: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, out = partnership_compare
    assert result.returncode == 0, result.stderr
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "leader_cascade" in report
    line = next(line for line in report.splitlines() if "leader_cascade" in line)
    assert "no reporting lines" in line


def test_partnership_refuses_leader_cascade_by_name(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = orglearn("compare", PARTNERSHIP, "--strategies", "leader_cascade,none",
                      "--replications", 2, "--steps", 20, "--out", out)
    assert result.returncode == 2
    line = one_line(result)
    assert "leader_cascade" in line and "no reporting lines" in line
    assert not out.exists()


# --- the large company --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The large company's script at 5,000 people, in a folder of its own (``data/``)."""
    folder = tmp_path_factory.mktemp("company")
    result = make_large_company(folder / "data", 5000)
    assert result.returncode == 0, result.stderr
    return folder


def test_large_company_script_is_deterministic(small_company: Path, tmp_path: Path) -> None:
    again = make_large_company(tmp_path / "again", 5000)
    assert again.returncode == 0, again.stderr
    for name in ("employees.csv", "collaboration.csv"):
        assert (small_company / "data" / name).read_bytes() == (tmp_path / "again" / name
                                                                 ).read_bytes(), name


def test_large_company_files_look_like_an_hris_export(small_company: Path) -> None:
    raw = (small_company / "data" / "employees.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfEmployee ID,Employee Name,")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == 5000
    ids = {row["Employee ID"] for row in rows}
    assert len(ids) == 5000
    heads = [row for row in rows if not row["Manager ID"]]
    assert len(heads) == 1  # the CEO
    reports = defaultdict(int)
    for row in rows:
        if row["Manager ID"]:
            assert row["Manager ID"] in ids
            reports[row["Manager ID"]] += 1
    below_heads = [n for m, n in reports.items()
                   if m != heads[0]["Employee ID"] and m not in
                   {r["Employee ID"] for r in rows if r["Manager ID"] == heads[0]["Employee ID"]}]
    assert min(below_heads) >= 4 and max(below_heads) <= 12
    assert len({row["Department"] for row in rows}) == 9  # eight and the Executive Office
    ties = (small_company / "data" / "collaboration.csv").read_bytes()
    assert ties.startswith(b"\xef\xbb\xbfSender ID,Recipient ID,Emails\r\n")
    ties_rows = list(csv.reader(io.StringIO(ties.decode("utf-8-sig"), newline="")))[1:]
    assert all(int(c) >= 1 for _, _, c in ties_rows)
    assert 5000 <= len(ties_rows) <= 10 * 5000


def test_large_company_validates_and_inspects(small_company: Path) -> None:
    scenario = client_scenario(small_company, "company", "data")
    result = orglearn("validate", scenario)
    assert result.returncode == 0, result.stderr
    assert "5,000 employees in 9 divisions" in result.stdout
    result = orglearn("inspect", scenario)
    assert result.returncode == 0, result.stderr
    assert "employees: 5,000 rows, comma-separated, UTF-8 with BOM" in result.stdout
    assert "reporting lines: 4,999 people with a manager" in result.stdout
    assert "(from the team column)" in result.stdout
    assert "weight: count (detected)" in result.stdout
    assert "orglearn: error" not in result.stderr


def test_large_company_scenario_reads_the_scripts_default_folder() -> None:
    scenario = ROOT / "scenarios/large-company.toml"
    org = tomllib.loads(scenario.read_text(encoding="utf-8"))["org"]
    default = re.search(r'default=Path\("([^"]+)"\)', MAKE_LARGE.read_text(encoding="utf-8"))
    assert default is not None
    folder = ROOT / default.group(1)
    assert (scenario.parent / org["chart"]).resolve() == (folder / "employees.csv").resolve()
    assert (scenario.parent / org["collaboration"]).resolve() == (folder / "collaboration.csv"
                                                                  ).resolve()
    ignored = subprocess.run(["git", "check-ignore", "-q", str(folder / "employees.csv")],
                             cwd=ROOT, capture_output=True)
    assert ignored.returncode == 0, "the generated folder is not git-ignored"


@pytest.mark.slow
def test_large_company_full_size_runs(tmp_path: Path) -> None:
    result = make_large_company(tmp_path / "data", 50_000)
    assert result.returncode == 0, result.stderr
    for name in ("employees.csv", "collaboration.csv"):
        assert (tmp_path / "data" / name).stat().st_size < 15_000_000, name
    with (tmp_path / "data" / "collaboration.csv").open(encoding="utf-8-sig") as f:
        assert sum(1 for _ in f) - 1 <= 400_000
    scenario = client_scenario(tmp_path, "large-company", "data")
    out = tmp_path / "run"
    result = orglearn("run", scenario, "--steps", 2, "--out", out, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "50000 employees" in result.stdout.replace(",", "")
    with (out / "timeseries.csv").open(encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 3  # weeks 0, 1 and 2
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["org"]["employees"] == 50_000


# --- a 20-person team ---------------------------------------------------------------------------


def degenerate_kpis(runs: list[dict], kpis: list[str], steps: int) -> dict[str, str]:
    """The judged KPIs that cannot rank strategies, and how: censored, at start, constant, tied."""
    out = {}
    for kpi in kpis:
        values = [r[kpi] for r in runs if r[kpi] is not None and math.isfinite(r[kpi])]
        if not values:
            continue
        speed = kpi.startswith("time_to_")
        if speed and all(v == steps + 1 for v in values):
            out[kpi] = "censored"
        elif speed and all(v == 0 for v in values):
            out[kpi] = "at start"
        elif len(set(values)) == 1:
            out[kpi] = "constant"
        else:
            by_replication = defaultdict(set)
            for r in runs:
                by_replication[r["replication"]].add(r[kpi])
            if (len({r["strategy"] for r in runs}) > 1
                    and all(len(v) == 1 for v in by_replication.values())):
                out[kpi] = "tied"
    return out


def test_small_team_report_names_its_degenerate_kpis(tmp_path: Path) -> None:
    scenario = tmp_path / "team.toml"
    scenario.write_text("[org]\nemployees = 20\ndivisions = 2\n", encoding="utf-8")
    out = tmp_path / "out"
    result = orglearn("compare", scenario, "--replications", 2, "--steps", 52, "--out", out)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    runs = pq.read_table(out / "runs.parquet").to_pylist()
    assert len(runs) == 2 * len(manifest["strategies"])
    bad = degenerate_kpis(runs, manifest["kpis"], 52)
    report = (out / "report.md").read_text(encoding="utf-8")
    section = report.split("## Caveats", 1)[1].split("\n## ", 1)[0] if "## Caveats" in report \
        else ""
    bullets = [line[2:] for line in section.splitlines() if line.startswith("- ")]
    why = {"censored": "censored", "at start": "week 0", "constant": "same value",
           "tied": "same value"}
    for kpi, how in bad.items():
        named = [b for b in bullets if b.startswith(f"{LABELS.get(kpi, kpi)}:")]
        assert named, f"{kpi} is {how} but report.md's Caveats do not say so"
        assert why[how] in named[0]
    for bullet in bullets:  # and no KPI is called degenerate that is not
        kpi = next((k for k in manifest["kpis"] if bullet.startswith(f"{LABELS.get(k, k)}:")),
                   None)
        assert kpi is None or kpi in bad, bullet
