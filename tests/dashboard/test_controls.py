"""Controls generated from the schema; refused values come back as the schema's messages."""

from pathlib import Path

from sim.config.scenario import load_scenario
from sim.dashboard.controls import LEADER_KEYS, apply_edits, controls, shown_value
from sim.engine.params import Params, lookup

ROOT = Path(__file__).resolve().parents[2]


def test_every_control_is_a_view_of_its_schema_parameter():
    for control in controls():
        spec = lookup(control.key, "test")
        assert control.param is spec
        assert spec.help in control.hint and spec.allowed() in control.hint
        if spec.unit:  # the unit is shown, unless the name says it already
            assert spec.unit in control.label or spec.unit in spec.name
    assert [c.key for c in controls()] == list(LEADER_KEYS)
    widgets = {c.key: c.widget for c in controls()}
    assert widgets["participation.compulsory"] == "switch"
    assert widgets["org.employees"] == "text"


def test_typed_values_are_parsed_and_applied():
    edits = apply_edits(Params(), {"org.employees": " 300 ", "culture.recognition": "0.9",
                                   "participation.compulsory": True})
    assert edits.errors == {}
    assert edits.params.org.employees == 300
    assert edits.params.culture.recognition == 0.9
    assert edits.params.participation.compulsory is True
    assert shown_value(edits.params, "org.employees") == "300"


def test_an_out_of_range_value_is_the_schema_message_and_the_rest_still_applies():
    edits = apply_edits(Params(), {"org.employees": "-5", "culture.recognition": "0.9"})
    assert edits.errors["org.employees"] == (
        "dashboard: org.employees = -5 is not allowed; allowed: an integer in [2, 2000000]")
    assert edits.params.org.employees == Params().org.employees
    assert edits.params.culture.recognition == 0.9


def test_text_that_is_not_a_number_is_refused():
    edits = apply_edits(Params(), {"strategy.facilitation_hours": "lots"})
    assert "strategy.facilitation_hours = 'lots' is not allowed" in edits.errors[
        "strategy.facilitation_hours"]


def test_a_contradictory_combination_names_the_relation_and_keeps_the_other_values():
    # 3 employees cannot fill 5 divisions: the relation's message, under the typed key.
    edits = apply_edits(Params(), {"org.employees": "3", "culture.competitiveness": "0.5"})
    assert "org.divisions" in edits.errors["org.employees"]
    assert "at most org.employees (3)" in edits.errors["org.employees"]
    assert edits.params.org.employees == Params().org.employees
    assert edits.params.culture.competitiveness == 0.5


def test_a_chart_fixes_the_size_so_its_controls_are_locked():
    base = load_scenario(ROOT / "scenarios" / "client-example.toml")
    edits = apply_edits(base, {"org.employees": "999"})
    assert set(edits.locked) == {"org.employees", "org.divisions"}
    assert edits.params.org.employees == base.org.employees
