import copy
import json
import math
import shutil
import subprocess
import sys
import textwrap
import tomllib
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

import sim.config.experiment_file as experiment_file
from sim.config.experiment_file import ANY, KEYS, TABLES, format_help, load_experiment
from sim.engine.metrics import RUN_KPIS
from sim.engine.rng import derive_seed
from sim.errors import ParameterError, ScenarioError
from sim.experiments.design import SMALL_VS_WIDE, Experiment
from sim.validation import CHECKS

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "experiments").glob("*.toml"))
VALIDATION = sorted((ROOT / "experiments" / "validation").glob("*.toml"))
DEFAULT_SCENARIO = ROOT / "scenarios" / "default.toml"

BASE = {
    "experiment": {"name": "t", "description": "A test.", "scenario": "scenario.toml",
                   "design": "grid", "replications": 2, "seed": 7,
                   "kpis": ["reach_participating"]},
    "levers": {"strategies": ["small_groups_first", "org_wide_first"]},
    "uncertainties": {"org.cross_division_share": [0.02, 0.2]},
}
SAMPLED = {"culture.competitiveness": {"low": 0.0, "high": 0.7},
           "org.unofficial_groups": {"low": 0, "high": 20},
           "culture.psychological_safety": {"low": 0.2, "high": 0.9}}


def _literal(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_literal(v)}" for k, v in value.items()) + " }"
    return repr(value)


def render(data: dict) -> str:
    lines = []
    for table, entries in data.items():
        lines.append(f"[{table}]")
        lines.extend(f"{json.dumps(k)} = {_literal(v)}" for k, v in entries.items())
    return "\n".join(lines) + "\n"


def write(tmp_path: Path, data: dict | str, name: str = "exp.toml") -> Path:
    scenario = tmp_path / "scenario.toml"
    if not scenario.exists():
        shutil.copy(DEFAULT_SCENARIO, scenario)
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else render(data))
    return path


def variant(**changes) -> dict:
    """BASE with some keys changed: ``table__key=value``; ``None`` deletes the key."""
    data = copy.deepcopy(BASE)
    for name, value in changes.items():
        table, _, key = name.partition("__")
        if not key:
            data[table] = value
        elif value is None:
            data[table].pop(key, None)
        else:
            data.setdefault(table, {})[key] = value
    return data


def sampled(design: str, **changes) -> dict:
    defaults = {"experiment__design": design, "experiment__samples": 8, "uncertainties": SAMPLED}
    return variant(**{**defaults, **changes})


# --- the shipped experiment files --------------------------------------------------------------


def expected_contexts(e: Experiment) -> int:
    d = len(e.uncertainties)
    if e.design == "grid":
        return math.prod(len(u.values) for u in e.uncertainties)
    return {"lhs": e.samples, "sobol": e.samples * (d + 2), "morris": e.samples * (d + 1),
            "robustness": 1 + 2 * d}[e.design]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_experiments_load_with_expected_counts(path):
    e = load_experiment(path)
    contexts, policies, tasks = e.contexts(), e.policies(), e.tasks()
    assert e.name == path.stem and e.description.strip()
    assert len(contexts) == expected_contexts(e)
    assert e.design_matrix().shape == (len(contexts), len(e.uncertainties))
    assert len(tasks) == len(contexts) * len(policies) * e.replications
    assert set(e.kpis) <= {k.name for k in RUN_KPIS}
    assert e.reference in e.strategies
    for task in tasks:
        assert task.experiment == e.name and task.scenario == e.base.scenario.name
        context = 0 if e.shared_seeds else task.context
        assert task.values["run.seed"] == task.seed == derive_seed(e.seed, context,
                                                                   task.replication)
        for key, value in contexts[task.context].items():
            assert task.values[key] == value
        assert task.values["strategy.name"] == task.strategy.partition("[")[0]


def test_shipped_experiment_specifics():
    phase = load_experiment(ROOT / "experiments/phase-diagram.toml")
    assert phase.grid_axes() == [("participation.threshold_mean", (0.05, 0.15, 0.25, 0.35)),
                                 ("org.cross_division_share", (0.02, 0.1, 0.25))]
    assert len(phase.tasks()) == 4 * 3 * 2 * 20
    assert phase.base["participation.invitation_acceptance"] == 0.05
    assert phase.base["participation.spontaneous_join_rate"] == 0.0005
    assert phase.contexts()[:2] == [
        {"participation.threshold_mean": 0.05, "org.cross_division_share": 0.02},
        {"participation.threshold_mean": 0.05, "org.cross_division_share": 0.1}]
    sobol = load_experiment(ROOT / "experiments/sensitivity-sobol.toml")
    assert len(sobol.contexts()) == 8 * 6 and sobol.base.run.steps == 52
    assert sobol.grid_axes() == []
    assert sobol.salib_problem()["bounds"][0] == [0.2, 0.9]
    assert len(load_experiment(ROOT / "experiments/screening-morris.toml").contexts()) == 4 * 5
    bench = load_experiment(ROOT / "experiments/default-200.toml")
    assert len(bench.tasks()) == 204 and len(bench.strategies) == 6
    assert bench.kpis == tuple(k.name for k in RUN_KPIS if k.headline)
    assert bench.contexts() == [{}] and bench.design_matrix().shape == (1, 0)


# --- seeds and determinism ---------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_seeds_are_shared_by_policies_and_distinct_otherwise(path):
    experiment = load_experiment(path)
    by_cell = defaultdict(set)
    for task in experiment.tasks():
        by_cell[task.context, task.replication].add(task.seed)
    assert all(len(seeds) == 1 for seeds in by_cell.values())
    distinct = len({next(iter(s)) for s in by_cell.values()})
    # With shared seeds, every context runs replication r on the same seed.
    assert distinct == (experiment.replications if experiment.shared_seeds else len(by_cell))


def _fingerprint(e: Experiment) -> list:
    return [(t.keys(), sorted(t.values.items())) for t in e.tasks()]


def test_same_file_gives_same_design_and_tasks_without_touching_global_rng(tmp_path):
    before = np.random.get_state()  # noqa: NPY002 - the legacy global RNG must stay untouched
    for path in [*SHIPPED, write(tmp_path, sampled("lhs"))]:
        a, b = load_experiment(path), load_experiment(path)
        assert np.array_equal(a.design_matrix(), b.design_matrix())
        assert a.contexts() == b.contexts() and _fingerprint(a) == _fingerprint(b)
    after = np.random.get_state()  # noqa: NPY002
    assert before[0] == after[0] and np.array_equal(before[1], after[1])
    assert before[2:] == after[2:]


def test_design_is_the_same_in_another_process():
    path = ROOT / "experiments/sensitivity-sobol.toml"
    code = ("import sys, json; from sim.config.experiment_file import load_experiment; "
            "e = load_experiment(sys.argv[1]); "
            "print(json.dumps([e.contexts(), [t.seed for t in e.tasks()]]))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, check=True, cwd=ROOT, env={"PYTHONHASHSEED": "99"})
    e = load_experiment(path)
    assert json.loads(out.stdout) == [e.contexts(), [t.seed for t in e.tasks()]]


# --- designs -----------------------------------------------------------------------------------


def test_lhs_is_inside_bounds_stratified_and_rounds_integers(tmp_path):
    n = 10
    e = load_experiment(write(tmp_path, sampled("lhs", experiment__samples=n)))
    matrix = e.design_matrix()
    assert matrix.shape == (n, 3)
    for j, u in enumerate(e.uncertainties):
        column = matrix[:, j]
        assert ((column >= u.low) & (column <= u.high)).all()
        bins = np.floor((column - u.low) / (u.high - u.low) * n).astype(int)
        assert sorted(bins) == list(range(n)), u.key
    contexts = e.contexts()
    groups = [c["org.unofficial_groups"] for c in contexts]
    assert all(type(g) is int for g in groups)
    assert groups == [int(np.rint(x)) for x in matrix[:, 1]]
    assert all(type(c["culture.competitiveness"]) is float for c in contexts)


@pytest.mark.parametrize("design, per_sample", [("sobol", 3 + 2), ("morris", 3 + 1)])
def test_salib_designs_have_their_documented_size(tmp_path, design, per_sample):
    e = load_experiment(write(tmp_path, sampled(design)))
    assert len(e.contexts()) == 8 * per_sample
    assert e.salib_problem() == {"num_vars": 3, "names": list(SAMPLED),
                                 "bounds": [[0.0, 0.7], [0.0, 20.0], [0.2, 0.9]]}
    assert all(type(c["org.unofficial_groups"]) is int for c in e.contexts())


def test_grid_is_a_cartesian_product_first_key_slowest(tmp_path):
    data = variant(uncertainties={"participation.contagion": ["linear", "threshold"],
                                  "org.cross_division_share": [0.02, 0.1, 0.3]})
    e = load_experiment(write(tmp_path, data))
    contexts = e.contexts()
    assert len(contexts) == 6
    assert [c["participation.contagion"] for c in contexts] == ["linear"] * 3 + ["threshold"] * 3
    assert e.design_matrix()[:, 0].tolist() == [0, 0, 0, 1, 1, 1]  # text values: their index
    assert e.design_matrix()[:3, 1].tolist() == [0.02, 0.1, 0.3]
    with pytest.raises(ValueError):
        e.salib_problem()


def test_levers_cross_strategies_only_where_they_apply(tmp_path):
    data = variant(levers={"strategies": ["small_groups_first", "org_wide_first"],
                           "strategy.small_groups_first.pilot_groups": [2, 4],
                           "strategy.facilitation_hours": [10.0, 20.0]})
    e = load_experiment(write(tmp_path, data))
    assert len(e.lever_grid) == 4
    labels = [label for label, _ in e.policies()]
    assert labels == ["small_groups_first[pilot_groups=2,facilitation_hours=10.0]",
                      "small_groups_first[pilot_groups=2,facilitation_hours=20.0]",
                      "small_groups_first[pilot_groups=4,facilitation_hours=10.0]",
                      "small_groups_first[pilot_groups=4,facilitation_hours=20.0]",
                      "org_wide_first[facilitation_hours=10.0]",
                      "org_wide_first[facilitation_hours=20.0]"]
    tasks = e.tasks()
    assert len(tasks) == 2 * 6 * 2
    first = tasks[0].values
    assert first["strategy.small_groups_first.pilot_groups"] == 2
    assert first["strategy.facilitation_hours"] == 10.0


def test_defaults_reference_and_nested_tables(tmp_path):
    e = load_experiment(write(tmp_path, variant(levers={"strategies": ["org_wide_first", "none"]},
                                                 uncertainties={})))
    assert e.reference == "none" and e.contexts() == [{}] and e.lever_grid == ({},)
    assert e.kpis == ("reach_participating",)
    text = render(variant(uncertainties={})) + "[overrides.org]\nemployees = 300\n"
    assert load_experiment(write(tmp_path, text, "nested.toml")).base.org.employees == 300
    e = load_experiment(write(tmp_path, variant(levers={"strategies": ["org_wide_first"]}),
                              "first.toml"))
    assert e.reference == "org_wide_first"


def test_digest_follows_both_files(tmp_path):
    path = write(tmp_path, BASE)
    digest = load_experiment(path).digest
    assert load_experiment(path).digest == digest
    scenario = tmp_path / "scenario.toml"
    original = scenario.read_text()
    scenario.write_text(original + "\n# changed\n")
    assert load_experiment(path).digest != digest
    scenario.write_text(original)
    assert load_experiment(path).digest == digest
    path.write_text(path.read_text() + "# changed\n")
    assert load_experiment(path).digest != digest


# --- bad files ---------------------------------------------------------------------------------

BAD = [
    ("unknown table", variant(extras={"x": 1}), "extras", "{'x': 1}", "experiment"),
    ("unknown key", variant(experiment__replication=3), "experiment.replication", "3",
     "did you mean replications"),
    ("bad design", variant(experiment__design="factorial"), "experiment.design",
     "'factorial'", "grid, lhs, sobol, morris"),
    ("missing name", variant(experiment__name=None), "experiment.name", "(missing)",
     "required"),
    ("name not a folder name", variant(experiment__name="a/b"), "experiment.name", "'a/b'",
     "letters"),
    ("sobol without samples", sampled("sobol", experiment__samples=None),
     "experiment.samples", "(missing)", "required"),
    ("sobol samples not a power of 2", sampled("sobol", experiment__samples=6),
     "experiment.samples", "6", "power of 2"),
    ("replications 0", variant(experiment__replications=0), "experiment.replications", "0",
     "integer in [1,"),
    ("negative seed", variant(experiment__seed=-1), "experiment.seed", "-1", "[0,"),
    ("steps out of range", variant(experiment__steps=0), "experiment.steps", "0", "[1, 5200]"),
    ("unknown strategy", variant(levers__strategies=["small_groups_first", "big_bang"]),
     "levers.strategies", "'big_bang'", "org_wide_first"),
    ("unknown kpi", variant(experiment__kpis=["reach"]), "experiment.kpis", "'reach'",
     "reach_participating"),
    ("reference not compared", variant(experiment__reference="none"),
     "experiment.reference", "'none'", "small_groups_first, org_wide_first"),
    ("unknown uncertainty", variant(uncertainties={"org.cross_division_shar": [0.1]}),
     "uncertainties.org.cross_division_shar", "[0.1]", "did you mean org.cross_division_share"),
    ("uncertainty out of range", variant(uncertainties={"org.cross_division_share": [0.1, 1.5]}),
     "uncertainties.org.cross_division_share", "1.5", "[0, 1]"),
    ("duplicate grid values", variant(uncertainties={"org.cross_division_share": [0.1, 0.1]}),
     "uncertainties.org.cross_division_share", "[0.1, 0.1]", "distinct"),
    ("range low >= high",
     sampled("sobol", uncertainties={"culture.competitiveness": {"low": 0.5, "high": 0.2}}),
     "uncertainties.culture.competitiveness", "'low': 0.5", "low < high"),
    ("range out of range",
     sampled("lhs", uncertainties={"culture.competitiveness": {"low": 0.5, "high": 2.0}}),
     "uncertainties.culture.competitiveness", "2.0", "[0, 1]"),
    ("float bound for integer",
     sampled("lhs", uncertainties={"org.employees": {"low": 100.5, "high": 500}}),
     "uncertainties.org.employees", "100.5", "an integer"),
    ("bool in sampled design",
     sampled("lhs", uncertainties={"participation.compulsory": {"low": 0, "high": 1}}),
     "uncertainties.participation.compulsory", "'low': 0", "only number parameters"),
    ("list in sampled design",
     sampled("morris", uncertainties={"culture.competitiveness": [0.1, 0.2]}),
     "uncertainties.culture.competitiveness", "[0.1, 0.2]", "low = ..."),
    ("sampled design without uncertainties", sampled("lhs", uncertainties={}),
     "uncertainties", "{}", "at least one"),
    ("range in grid", variant(uncertainties={"culture.competitiveness": {"low": 0, "high": 1}}),
     "uncertainties.culture.competitiveness", "'low': 0", "list of values"),
    ("bad lever value", variant(levers={"strategies": ["small_groups_first"],
                                       "strategy.small_groups_first.pilot_groups": [0]}),
     "levers.strategy.small_groups_first.pilot_groups", "0", "[1, 1000]"),
    ("bad override", variant(overrides={"participation.invitation_acceptance": 5}),
     "overrides.participation.invitation_acceptance", "5", "[0, 1]"),
    ("seed as override", variant(overrides={"run.seed": 3}), "overrides.run.seed", "3",
     "experiment.seed"),
    ("key in two tables", variant(overrides={"org.cross_division_share": 0.3}),
     "overrides.org.cross_division_share", "0.3", "[uncertainties]"),
    ("relation broken by a grid value",
     variant(uncertainties={"org.unofficial_group_size_max": [3, 20]}),
     "uncertainties.org.unofficial_group_size_max", "3", "context 0"),
    ("relation broken by sampled points",
     sampled("lhs", uncertainties={"participation.threshold_mean": {"low": 0.5, "high": 5.0}}),
     "uncertainties.participation.threshold_mean", "", "at most 1"),
    ("relation broken by an override", variant(overrides={"org.informal_degree": 5}),
     "overrides.org.informal_degree", "5", "even"),
    ("contrast is the reference", variant(experiment__reference="org_wide_first",
                                          experiment__contrast="org_wide_first"),
     "experiment.contrast", "'org_wide_first'", "other than experiment.reference"),
    ("contrast not compared", variant(experiment__contrast="leader_cascade"),
     "experiment.contrast", "'leader_cascade'",
     "levers.strategies: small_groups_first, org_wide_first"),
    ("contrast a list of one", variant(experiment__contrast=["org_wide_first"]),
     "experiment.contrast", "['org_wide_first']", "a list of two distinct names"),
    ("contrast a pair of one", variant(experiment__contrast=["org_wide_first"] * 2),
     "experiment.contrast", "['org_wide_first', 'org_wide_first']", "two distinct names"),
    ("contrast pair not compared",
     variant(experiment__contrast=["small_groups_first", "leader_cascade"]),
     "experiment.contrast", "['small_groups_first', 'leader_cascade']",
     "levers.strategies: small_groups_first, org_wide_first"),
    ("unknown check", variant(experiment__checks=["centola-2010", "centola-2011"]),
     "experiment.checks", "'centola-2011'", ", ".join(CHECKS)),
    ("checks not a list", variant(experiment__checks="centola-2010"),
     "experiment.checks", "'centola-2010'", "a non-empty list of distinct names"),
]


@pytest.mark.parametrize("data, key, value, allowed", [c[1:] for c in BAD],
                         ids=[c[0] for c in BAD])
def test_bad_experiment_files_are_rejected_on_one_line(tmp_path, data, key, value, allowed):
    path = write(tmp_path, data)
    with pytest.raises(ParameterError) as info:
        load_experiment(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {key} = ")
    assert value in message and allowed in message


def test_missing_scenario_file_names_experiment_key_and_value(tmp_path):
    path = write(tmp_path, variant(experiment__scenario="nope.toml"))
    with pytest.raises(ScenarioError) as info:
        load_experiment(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    assert "experiment.scenario = 'nope.toml'" in message and "file not found" in message


@pytest.mark.parametrize("text", ["[experiment\nname = 1\n", b"\xff\xfe"])
def test_unreadable_experiment_file(tmp_path, text):
    path = tmp_path / "bad.toml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    with pytest.raises(ScenarioError) as info:
        load_experiment(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)
    with pytest.raises(ScenarioError, match="file not found"):
        load_experiment(tmp_path / "missing.toml")


def test_shared_seeds_give_every_context_the_seeds_of_context_zero(tmp_path):
    spec = load_experiment(write(tmp_path, variant(experiment__shared_seeds=True)))
    seeds = defaultdict(set)
    for task in spec.tasks():
        seeds[task.replication].add(task.seed)
        assert task.seed == derive_seed(spec.seed, 0, task.replication)
    assert all(len(s) == 1 for s in seeds.values())
    plain = load_experiment(write(tmp_path, variant(), name="plain.toml"))
    assert {t.seed for t in plain.tasks() if t.context == 0} == {
        t.seed for t in spec.tasks() if t.context == 0}
    assert len({t.seed for t in plain.tasks()}) == 2 * len(seeds)


def test_shared_seeds_must_be_true_or_false(tmp_path):
    with pytest.raises(ParameterError, match="experiment.shared_seeds = 'yes'"):
        load_experiment(write(tmp_path, variant(experiment__shared_seeds="yes")))


# --- contrast and checks -----------------------------------------------------------------------


@pytest.mark.parametrize("strategies, reference, contrast", [
    (["small_groups_first", "org_wide_first"], "org_wide_first", SMALL_VS_WIDE),
    (["small_groups_first", "org_wide_first"], "small_groups_first", SMALL_VS_WIDE),
    (["small_groups_first", "org_wide_first"], None, SMALL_VS_WIDE),  # reference: the first
    (["org_wide_first", "leader_cascade", "small_groups_first"], "org_wide_first",
     SMALL_VS_WIDE),
    (["none", "small_groups_first", "org_wide_first"], None, SMALL_VS_WIDE),  # reference: none
    (["small_groups_first", "org_wide_first", "leader_cascade"], "leader_cascade",
     SMALL_VS_WIDE),
    (["small_groups_first", "leader_cascade"], "small_groups_first", None),
    (["org_wide_first"], None, None),
], ids=["wide-reference", "small-reference", "first-reference", "three", "none-reference",
        "other-reference", "no-wide", "one"])
def test_contrast_defaults_to_small_versus_wide(tmp_path, strategies, reference, contrast):
    data = variant(levers__strategies=strategies, experiment__reference=reference)
    assert load_experiment(write(tmp_path, data)).contrast == contrast


def test_an_explicit_contrast_is_set_against_the_reference(tmp_path):
    strategies = ["small_groups_first", "org_wide_first", "leader_cascade"]
    e = load_experiment(write(tmp_path, variant(levers__strategies=strategies,
                                                experiment__reference="org_wide_first",
                                                experiment__contrast="leader_cascade")))
    assert e.contrast == ("leader_cascade", "org_wide_first")
    e = load_experiment(write(tmp_path, variant(experiment__reference="small_groups_first",
                                                experiment__contrast="org_wide_first"),
                              "wide.toml"))
    assert e.contrast == SMALL_VS_WIDE  # the main question keeps its orientation


def test_a_contrast_of_two_names_is_taken_as_given(tmp_path):
    strategies = ["small_groups_first", "org_wide_first", "leader_cascade"]
    e = load_experiment(write(tmp_path, variant(
        levers__strategies=strategies, experiment__reference="org_wide_first",
        experiment__contrast=["leader_cascade", "small_groups_first"])))
    assert e.contrast == ("leader_cascade", "small_groups_first")
    e = load_experiment(write(tmp_path, variant(
        experiment__contrast=["org_wide_first", "small_groups_first"]), "wide.toml"))
    assert e.contrast == ("org_wide_first", "small_groups_first")  # as written, wide minus small


def test_checks_are_read_in_order_and_default_to_none(tmp_path):
    e = load_experiment(write(tmp_path, variant(experiment__checks=["watts-2002", "bass-1969"])))
    assert e.checks == ("watts-2002", "bass-1969")
    assert load_experiment(write(tmp_path, BASE, "plain.toml")).checks == ()


@pytest.mark.parametrize("path", VALIDATION, ids=[p.stem for p in VALIDATION])
def test_validation_experiments_declare_their_check(path):
    e = load_experiment(path)
    assert e.checks == (e.name,) and e.name in CHECKS


# --- the format, declared ----------------------------------------------------------------------


def test_the_format_is_rendered_from_the_declarations_with_every_key():
    text = format_help()
    for key in KEYS:
        shown = [f"{k} = " if key.name != ANY else f'"{k}" = ' for k in
                 (key.example if key.name == ANY else {key.name: None})]
        for line in shown:
            assert f"\n{line}" in text, key.where
        assert f"# {key.name}: {key.help.split()[0]}" in text, key.where
    for table in TABLES:
        assert f"[{table}]" in text
    assert textwrap.indent(text, "    ") in experiment_file.__doc__
    assert "a power of 2 for design 'sobol'" in text
    assert all(name in text for name in CHECKS)


def _keys(data: dict) -> set[tuple[str, str]]:
    return {(table, key) for table, entries in data.items() for key in entries}


def _declared(data: dict) -> set[tuple[str, str]]:
    """The keys of ``data`` that the declarations cover (a schema parameter stands for ANY)."""
    names = {(k.table, k.name) for k in KEYS}
    return {(t, k) for t, k in _keys(data) if (t, k) in names or (t, ANY) in names}


def test_every_declared_key_is_accepted_and_every_accepted_key_declared(tmp_path):
    folder = tmp_path / "experiments"
    folder.mkdir()
    (tmp_path / "scenarios").mkdir()
    shutil.copy(DEFAULT_SCENARIO, tmp_path / "scenarios" / "default.toml")
    example = folder / "example.toml"
    example.write_text(format_help())
    data = tomllib.loads(format_help())
    assert {(k.table, k.name) for k in KEYS if k.name != ANY} <= _keys(data)
    assert _declared(data) == _keys(data)
    e = load_experiment(example)  # the example uses every key
    assert e.contrast == SMALL_VS_WIDE and e.checks == ("centola-2010",)
    assert len(e.lever_grid) == 2 and e.base.run.steps == 104 and e.samples == 16
    for path in [*SHIPPED, *VALIDATION]:
        shipped = tomllib.loads(path.read_text())
        assert _declared(shipped) == _keys(shipped), path
    for table in ("experiment", "levers"):
        data = variant(**{f"{table}__kpi": ["reach_participating"]})
        with pytest.raises(ParameterError, match=f"{table}.kpi = .* no such"):
            load_experiment(write(tmp_path, data, f"{table}.toml"))
