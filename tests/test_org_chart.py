"""A client's organisation from CSV: structure, pseudonymisation, ties, trust and clear errors."""

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim import LearningModel
from sim.config.scenario import load_scenario
from sim.engine.params import Params
from sim.errors import ParameterError
from sim.org.build import build_organisation
from sim.org.chart import ChartError, read_chart, read_collaboration
from sim.org.generator import TIE_INFORMAL, TIE_REPORTING, TIE_TEAM

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "scenarios" / "client-example.toml"
ORGLEARN = Path(sys.executable).with_name("orglearn")

# Two divisions; "boss" (Ops) manages the head of Sales across divisions.
EMPLOYEES = """id,name,manager_id,division
boss,Ann Example,,Ops
s1,Bob Example,boss,Sales
s2,Cy Example,s1,Sales
s3,Di Example,s1,Sales
o1,Ed Example,boss,Ops
o2,Flo Example,o1,Ops
"""
TIES = """a,b,weight
s2,o2,0.9
o2,s2,0.4
s3,o1,0.25
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def org_params(**values) -> Params:
    updates = {"org.unofficial_groups": 0, "org.boundary_spanner_share": 0.0}
    return Params().replace({**updates, **{f"org.{k}": v for k, v in values.items()}})


def ties_of(org, code=None) -> dict[tuple[int, int], float]:
    rows = np.repeat(np.arange(org.n), np.diff(org.ties.indptr))
    keep = rows < org.ties.indices
    if code is not None:
        keep &= org.tie_type.data == code
    return {(int(a), int(b)): float(w) for a, b, w in
            zip(rows[keep], org.ties.indices[keep], org.ties.data[keep], strict=True)}


def test_the_chart_becomes_indices_ordered_by_division_then_hierarchy(tmp_path):
    chart = read_chart(write(tmp_path, "e.csv", EMPLOYEES))
    assert chart.n == 6 and chart.n_divisions == 2
    # Ops (sorted first) holds boss, o1, o2; Sales holds s1, s2, s3, each top-down
    assert [chart.index[i] for i in ("boss", "o1", "o2", "s1", "s2", "s3")] == list(range(6))
    assert chart.division.tolist() == [0, 0, 0, 1, 1, 1]
    assert chart.manager.tolist() == [-1, 0, 1, 0, 3, 3]
    assert chart.depth.tolist() == [0, 1, 2, 1, 2, 2]


def test_reporting_lines_are_ties_and_direct_reports_are_a_team(tmp_path):
    params = org_params(chart=str(write(tmp_path, "e.csv", EMPLOYEES)))
    org = build_organisation(params.org, np.random.default_rng(1))
    assert set(ties_of(org, TIE_REPORTING)) == {(0, 1), (1, 2), (0, 3), (3, 4), (3, 5)}
    # o1 and s1 both report to boss; s2 and s3 both report to s1
    assert set(ties_of(org, TIE_TEAM)) == {(1, 3), (4, 5)}


def test_a_team_column_defines_the_teams(tmp_path):
    text = EMPLOYEES.replace("division\n", "division,team\n")
    teams = {"boss": "T1", "s1": "T1", "s2": "T2", "s3": "T3", "o1": "T2", "o2": "T2"}
    lines = [text.splitlines()[0]] + [f"{line},{teams[line.split(',')[0]]}"
                                      for line in text.splitlines()[1:]]
    params = org_params(chart=str(write(tmp_path, "e.csv", "\n".join(lines) + "\n")))
    org = build_organisation(params.org, np.random.default_rng(1))
    # T2 = o1 (1), o2 (2), s2 (4): (1, 2) is a reporting line, which wins over a team tie
    assert set(ties_of(org, TIE_TEAM)) == {(1, 4), (2, 4)}
    assert (1, 2) in ties_of(org, TIE_REPORTING)


def test_teams_larger_than_the_team_tie_limit_get_no_team_ties(tmp_path):
    rows = ["id,manager_id,division", "m,,D"] + [f"p{i},m,D" for i in range(13)]
    params = org_params(chart=str(write(tmp_path, "e.csv", "\n".join(rows) + "\n")))
    org = build_organisation(params.org, np.random.default_rng(1))
    assert not ties_of(org, TIE_TEAM) and len(ties_of(org, TIE_REPORTING)) == 13


def test_collaboration_ties_are_the_listed_pairs_with_their_weight_as_trust(tmp_path):
    params = org_params(chart=str(write(tmp_path, "e.csv", EMPLOYEES)),
                        collaboration=str(write(tmp_path, "t.csv", TIES)))
    org = build_organisation(params.org, np.random.default_rng(1))
    informal = ties_of(org, TIE_INFORMAL)
    assert informal == {(2, 4): 0.9, (1, 5): 0.25}  # o2-s2 listed twice keeps its larger weight


def test_without_collaboration_ties_they_are_generated_in_each_division(tmp_path):
    params = org_params(chart=str(write(tmp_path, "e.csv", EMPLOYEES)), informal_degree=2,
                        cross_division_share=0.0, rewiring=0.0)
    org = build_organisation(params.org, np.random.default_rng(1))
    rows = np.repeat(np.arange(org.n), np.diff(org.informal.indptr))
    informal = {(int(a), int(b)) for a, b in zip(rows, org.informal.indices, strict=True)
                if a < b and org.informal[a, b]}
    assert informal == {(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)}  # a ring per division


def test_the_order_of_the_rows_does_not_matter(tmp_path):
    text = (ROOT / "scenarios/client-example/employees.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    body = lines[1:]
    random.Random(3).shuffle(body)
    shuffled = write(tmp_path, "shuffled.csv", "\n".join([lines[0], *body]) + "\n")
    ties = str(ROOT / "scenarios/client-example/collaboration.csv")
    built = [build_organisation(org_params(chart=str(path), collaboration=ties).org,
                                np.random.default_rng(5))
             for path in (ROOT / "scenarios/client-example/employees.csv", shuffled)]
    for name in ("division", "manager", "team", "is_spanner"):
        assert np.array_equal(getattr(built[0], name), getattr(built[1], name)), name
    assert (built[0].ties != built[1].ties).nnz == 0


def test_the_example_scenario_takes_its_size_from_the_chart_from_any_folder(tmp_path,
                                                                            monkeypatch):
    monkeypatch.chdir(tmp_path)  # paths in a scenario are relative to the scenario file
    params = load_scenario(EXAMPLE)
    assert params.org.employees == 521 and params.org.divisions == 6
    model = LearningModel(params.replace({"run.steps": 5})).run()
    assert model.org.n == 521 and model.org.n_divisions == 6
    assert model.timeseries()["participating_share"].shape == (6,)


def test_results_hold_no_id_name_or_label_from_the_files(tmp_path):
    out = tmp_path / "out"
    subprocess.run([str(ORGLEARN), "run", str(EXAMPLE), "--steps", "8", "--out", str(out)],
                   check=True, capture_output=True, timeout=120)
    written = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    for secret in (b"E0001", b"Employee 1", b"client.example", b"Sales", b"Engineering",
                   b"SAL-01", b"Leeds"):
        assert secret not in written, secret
    assert b"employees.csv" in written  # the manifest names the file and its digest


def test_same_seed_same_run():
    params = load_scenario(EXAMPLE, steps=10)
    first = LearningModel(params).run().timeseries()
    again = LearningModel(params).run().timeseries()
    assert all(np.array_equal(first[k], again[k], equal_nan=True) for k in first)


@pytest.mark.parametrize("text, fragment", [
    ("id,division\na,X\nb,X\n", "column 'manager_id' is missing"),
    ("id,manager_id,division\na,,X\n", "1 employees is not allowed; allowed: at least 2"),
    ("id,manager_id,division\na,,X\na,,X\n", "line 3: id = 'a' is not allowed; allowed: an "
     "id not used before (line 2 has it)"),
    ("id,manager_id,division\na,,X\nb,zz,X\n", "line 3: manager_id = 'zz' is not allowed"),
    ("id,manager_id,division\na,,X\nb,b,X\n", "line 3: manager_id = 'b' is not allowed"),
    ("id,manager_id,division\na,,X\nb,c,X\nc,b,X\n", "manager_id: the reporting lines above "
     "id = 'b' form a loop"),
    ("id,manager_id,division\na,,X\nb,a,\n", "line 3: division = '' is not allowed"),
    ("id,manager_id,division,team\na,,X,t\nb,a,X,\n", "line 3: team = '' is not allowed"),
])
def test_a_bad_employees_file_is_one_clear_line(tmp_path, text, fragment):
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(ChartError) as error:
        read_chart(path)
    message = str(error.value)
    assert message.startswith(f"{path}: ") and fragment in message and "\n" not in message


@pytest.mark.parametrize("text, fragment", [
    ("x,y\ns1,s2\n", "column 'a' is missing"),
    ("a,b\ns1,nobody\n", "line 2: b = 'nobody' is not allowed; allowed: an id from the "
     "employees file"),
    ("a,b\ns1,s1\n", "line 2: b = 's1' is not allowed; allowed: someone other than a"),
    ("a,b,weight\ns1,s2,0\n", "line 2: weight = '0' is not allowed; allowed: a number in (0, 1]"),
    ("a,b,weight\ns1,s2,lots\n", "line 2: weight = 'lots' is not allowed"),
    ("a,b,weight\ns1,s2,1.5\n", "line 2: weight = '1.5' is not allowed"),
])
def test_a_bad_collaboration_file_is_one_clear_line(tmp_path, text, fragment):
    chart = read_chart(write(tmp_path, "e.csv", EMPLOYEES))
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(ChartError) as error:
        read_collaboration(path, chart)
    assert str(error.value).startswith(f"{path}: ") and fragment in str(error.value)


def test_excel_exports_with_a_byte_order_mark_and_spaced_headers_are_read(tmp_path):
    text = "\ufeff ID , Manager_ID ,Division\r\na,,X\r\nb, a ,X\r\n"
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("utf-8"))
    chart = read_chart(path)
    assert chart.manager.tolist() == [-1, 0]


def test_collaboration_needs_a_chart():
    with pytest.raises(ParameterError, match="org.collaboration"):
        Params().replace({"org.collaboration": "ties.csv"})


def test_command_line_errors_exit_2_with_one_line_and_write_nothing(tmp_path):
    scenario = write(tmp_path, "client.toml", '[org]\nchart = "missing.csv"\n')
    out = tmp_path / "out"
    run = subprocess.run([str(ORGLEARN), "run", str(scenario), "--out", str(out)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert f"{scenario}: org.chart = " in run.stderr and "missing.csv" in run.stderr
    assert "allowed: an existing CSV file" in run.stderr
    write(tmp_path, "missing.csv", "id,manager_id,division\na,,X\nb,q,X\n")
    run = subprocess.run([str(ORGLEARN), "run", str(scenario), "--out", str(out)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "line 3: manager_id = 'q' is not allowed" in run.stderr
    assert not out.exists()


def test_an_experiment_cannot_vary_the_organisation_files(tmp_path):
    from sim.config.experiment_file import load_experiment

    write(tmp_path, "e.csv", EMPLOYEES)
    write(tmp_path, "client.toml", '[org]\nchart = "e.csv"\n')
    experiment = write(tmp_path, "x.toml", """[experiment]
name = "x"
description = "x"
scenario = "client.toml"
design = "grid"
replications = 1
seed = 1
[levers]
strategies = ["none"]
[uncertainties]
org.divisions = [1, 2]
""")
    with pytest.raises(ParameterError, match="uncertainties.org.divisions.*fixes it"):
        load_experiment(experiment)


def test_validate_reports_the_size_read_from_the_chart(tmp_path):
    result = subprocess.run([str(ORGLEARN), "validate", str(EXAMPLE)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "521 employees in 6 divisions; 1,530 collaboration ties" in result.stdout


@pytest.mark.parametrize("where", ["file", "--set"])
def test_a_chart_and_an_explicit_size_contradict_each_other(tmp_path, where):
    write(tmp_path, "e.csv", EMPLOYEES)
    extra = "employees = 6\n" if where == "file" else ""
    scenario = write(tmp_path, "client.toml", f'[org]\nchart = "e.csv"\n{extra}')
    with pytest.raises(ParameterError) as error:
        load_scenario(scenario, ["org.employees=6"] if where == "--set" else [])
    source = str(scenario) if where == "file" else "--set"
    assert str(error.value).startswith(f"{source}: org.employees = 6 is not allowed; allowed: "
                                       "not set when org.chart names a chart")
