import tomllib
from pathlib import Path

import pytest

from sim.config.scenario import load_scenario, params_from_mapping, parse_overrides, to_toml
from sim.engine.params import SCHEMA, Params
from sim.engine.strategies import STRATEGIES
from sim.errors import ParameterError, ScenarioError

ROOT = Path(__file__).resolve().parents[1]
# large-company.toml reads files that scripts/make-large-company.py writes (50,000 people, not
# committed); tests/test_client_examples.py generates and checks them.
GENERATED = {"large-company.toml"}
SCENARIOS = sorted(p for p in (ROOT / "scenarios").glob("*.toml") if p.name not in GENERATED)


def test_default_scenario_lists_every_key_with_schema_defaults():
    data = tomllib.loads((ROOT / "scenarios/default.toml").read_text())

    def keys(table, prefix):
        for name, value in table.items():
            if isinstance(value, dict):
                yield from keys(value, f"{prefix}{name}.")
            else:
                yield f"{prefix}{name}"

    listed = set(keys(data, ""))
    scaled = {p.key for p in SCHEMA if p.scaled}
    assert scaled and listed == {p.key for p in SCHEMA} - scaled
    text = (ROOT / "scenarios/default.toml").read_text()
    for p in SCHEMA:  # a scaled default is there, as a comment, so that it follows the size
        if p.scaled:
            assert f"\n# {p.name} = {p.default}\n" in text
    params = load_scenario(ROOT / "scenarios/default.toml")
    assert set(params.diff(Params())) == {"scenario.description"}


def test_default_scenario_comments_every_key():
    lines = (ROOT / "scenarios/default.toml").read_text().splitlines()
    for i, line in enumerate(lines):
        if " = " in line and not line.startswith("#"):
            assert lines[i - 1].startswith("#"), f"uncommented key: {line}"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_shipped_scenarios_load_and_have_a_description(path):
    params = load_scenario(path)
    assert params.scenario.description
    assert params.scenario.name == path.stem


def test_there_are_named_variants():
    names = {p.stem for p in SCENARIOS}
    assert {"default", "competitive-culture", "siloed"} <= names


def test_default_scenario_with_another_size_scales_its_counts(tmp_path):
    small = tmp_path / "team.toml"
    small.write_text((ROOT / "scenarios/default.toml").read_text().replace(
        "employees = 1000", "employees = 20").replace("divisions = 5", "divisions = 2"))
    params = load_scenario(small)
    assert params.org.unofficial_groups == 0
    assert params["strategy.small_groups_first.pilot_size"] == 3


def test_to_toml_round_trips():
    p = Params().replace({"org.employees": 77, "participation.compulsory": True,
                          "scenario.description": 'quote " and \\ slash'})
    assert params_from_mapping(tomllib.loads(to_toml(p)), "mem") == p


def test_strategy_choices_match_the_registry():
    choices = next(p.choices for p in SCHEMA if p.key == "strategy.name")
    assert set(choices) == set(STRATEGIES)


def write(tmp_path, text):
    path = tmp_path / "s.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, fragment", [
    ("[org]\nemployes = 10\n", "org.employes = 10 is not allowed; no such parameter"),
    ("[orgg]\nemployees = 10\n", "orgg = '(unknown section)'"),
    ("[org]\nemployees = 'ten'\n", "org.employees = 'ten' is not allowed; allowed: an integer"),
    ("[org]\nemployees = 1\n", "allowed: an integer in [2, 2000000]"),
    ("employees = 10\n", "employees = '(unknown section)'"),
    ("[org\n", "not valid TOML"),
])
def test_bad_files_name_file_key_value_and_allowed(tmp_path, text, fragment):
    path = write(tmp_path, text)
    with pytest.raises((ParameterError, ScenarioError)) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message
    assert fragment in message


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "nope.toml")


def test_overrides_and_options(tmp_path):
    path = write(tmp_path, "[org]\nemployees = 300\n")
    p = load_scenario(path, ["org.divisions=3", "culture.competitiveness=0.5"], seed=9, steps=5)
    assert (p.org.employees, p.org.divisions, p.culture.competitiveness) == (300, 3, 0.5)
    assert (p.run.seed, p.run.steps) == (9, 5)
    with pytest.raises(ParameterError, match="--steps: run.steps = 0"):
        load_scenario(path, steps=0)


@pytest.mark.parametrize("item, fragment", [
    ("org.employees", "section.key=value"),
    ("org.employess=5", "did you mean org.employees"),
    ("org.employees=-5", "[2, 2000000]"),
])
def test_bad_overrides(item, fragment):
    with pytest.raises(ParameterError) as info:
        parse_overrides([item])
    assert str(info.value).startswith("--set: ") and fragment in str(info.value)
