import math

import pytest

from sim.engine.params import SCHEMA, Params, lookup
from sim.errors import ParameterError


def test_every_parameter_is_documented_and_its_default_allowed():
    keys = [p.key for p in SCHEMA]
    assert len(keys) == len(set(keys)), "a parameter is declared twice"
    for p in SCHEMA:
        assert p.help.strip(), p.key
        assert p.check(p.default, "schema") == p.default
        if p.kind in (int, float):
            assert p.low is not None and p.high is not None and p.low <= p.high, p.key
        if p.choices is not None:
            assert p.default in p.choices, p.key


def test_march_numbers_cite_their_source():
    for key in ("knowledge.dimensions", "knowledge.socialisation_rate",
                "knowledge.code_learning_rate", "environment.turnover", "environment.turbulence"):
        assert "March (1991)" in lookup(key, "test").source


def test_attribute_and_key_access_agree():
    p = Params()
    assert p.org.employees == p["org.employees"] == 1000
    assert dict(p.knowledge)["dimensions"] == 30


def test_replace_validates_and_leaves_original_untouched():
    p = Params()
    q = p.replace({"org.employees": 50, "culture.competitiveness": 1})
    assert q.org.employees == 50 and isinstance(q.culture.competitiveness, float)
    assert p.org.employees == 1000
    assert q.diff(p) == {"org.employees": (50, 1000), "culture.competitiveness": (1.0, 0.2)}


@pytest.mark.parametrize("key, value, fragment", [
    ("org.employes", 10, "did you mean org.employees"),
    ("org.employees", 1.5, "an integer in [2, 200000]"),
    ("org.employees", True, "an integer"),
    ("org.employees", "100", "an integer"),
    ("org.employees", 1, "[2, 200000]"),
    ("culture.psychological_safety", 1.5, "a number in [0, 1]"),
    ("culture.psychological_safety", math.nan, "a number in [0, 1]"),
    ("participation.contagion", "viral", "'linear', 'threshold'"),
    ("participation.compulsory", 1, "true or false"),
])
def test_bad_values_are_rejected_with_key_value_and_what_is_allowed(key, value, fragment):
    with pytest.raises(ParameterError) as info:
        Params().replace({key: value}, source="file.toml")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"file.toml: {key} = ")
    assert fragment in message


def test_relations_between_parameters_are_checked():
    with pytest.raises(ParameterError, match="unofficial_group_size_max"):
        Params().replace({"org.unofficial_group_size_min": 10, "org.unofficial_group_size_max": 5})
    with pytest.raises(ParameterError, match="even number"):
        Params().replace({"org.informal_degree": 5})
    with pytest.raises(ParameterError, match="threshold_mean"):
        Params().replace({"participation.threshold_mean": 3})
    ok = Params().replace({"participation.threshold_type": "count",
                           "participation.threshold_mean": 3})
    assert ok.participation.threshold_mean == 3


def test_parse_command_line_text():
    assert lookup("org.employees", "t").parse("250", "--set") == 250
    assert lookup("culture.recognition", "t").parse("0.25", "--set") == 0.25
    assert lookup("participation.compulsory", "t").parse("true", "--set") is True
    with pytest.raises(ParameterError, match="true or false"):
        lookup("participation.compulsory", "t").parse("yes", "--set")
    with pytest.raises(ParameterError, match="an integer"):
        lookup("org.employees", "t").parse("many", "--set")


@pytest.mark.parametrize("updates, key", [
    ({"knowledge.landscape": "nk", "knowledge.dimensions": 30, "environment.turbulence": 0.0},
     "knowledge.dimensions"),
    ({"knowledge.landscape": "nk", "knowledge.dimensions": 5, "knowledge.nk_interactions": 5,
      "environment.turbulence": 0.0}, "knowledge.nk_interactions"),
    ({"knowledge.landscape": "nk", "knowledge.dimensions": 20, "environment.turbulence": 0.01},
     "environment.turbulence"),
])
def test_an_nk_landscape_needs_few_dimensions_fewer_interactions_and_no_turbulence(updates, key):
    with pytest.raises(ParameterError) as error:
        Params().replace(updates, "s.toml")
    assert error.value.key == key and "'nk'" in str(error.value)
