import math

import numpy as np
import pytest

from sim.engine.parameters import assemble
from sim.engine.params import SCHEMA, Params, iter_params, lookup, param
from sim.engine.strategies import Strategy
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
    q = p.replace({"org.divisions": 3, "culture.competitiveness": 1})
    assert q.org.divisions == 3 and isinstance(q.culture.competitiveness, float)
    assert p.org.divisions == 5
    assert q.diff(p) == {"org.divisions": (3, 5), "culture.competitiveness": (1.0, 0.2)}


SCALED = ("org.unofficial_groups", "strategy.small_groups_first.pilot_groups",
          "strategy.small_groups_first.pilot_size")


def test_scaled_defaults_are_the_rules_at_the_default_size():
    p = Params()
    assert {q.key for q in SCHEMA if q.scaled} == set(SCALED)
    for q in SCHEMA:
        if q.scaled:
            assert q.scaled.rule(p.values) == q.default == p[q.key]
            assert "scaled with the organisation" in q.scaled.text


@pytest.mark.parametrize("employees, groups, pilots, pilot_size", [
    (20, 0, 1, 3),        # a team: no chat-channel groups covering it at week 0
    (71, 0, 1, 8),
    (156, 1, 1, 12),
    (1000, 5, 4, 12),
    (50_000, 16, 4, 12),  # at most a quarter of community.max_communities (64)
])
def test_scaled_defaults_follow_the_size(employees, groups, pilots, pilot_size):
    p = Params().replace({"org.employees": employees, "org.divisions": 1})
    assert [p[k] for k in SCALED] == [groups, pilots, pilot_size]
    # at most about a tenth of the people in groups of up to 15 at week 0
    assert 15 * p.org.unofficial_groups <= 0.1 * employees or not p.org.unofficial_groups


def test_a_scaled_parameter_that_is_set_stays_as_set():
    p = Params().replace({"org.unofficial_groups": 7}).replace({"org.employees": 40,
                                                                "org.divisions": 1})
    assert p.org.unofficial_groups == 7 and p["strategy.small_groups_first.pilot_size"] == 5
    assert p.explicit >= {"org.unofficial_groups", "org.employees"}
    wide = p.replace({"community.max_communities": 8, "org.employees": 100_000})
    assert wide.org.unofficial_groups == 7  # still as set, and checked against the slots
    assert Params().replace({"community.max_communities": 8, "org.employees": 100_000}
                            ).org.unofficial_groups == 2


@pytest.mark.parametrize("key, value, fragment", [
    ("org.employes", 10, "did you mean org.employees"),
    ("org.employees", 1.5, "an integer in [2, 2000000]"),
    ("org.employees", True, "an integer"),
    ("org.employees", "100", "an integer"),
    ("org.employees", 1, "[2, 2000000]"),
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


# --- the schema is assembled from the model's parameters and the strategy registry -------------


def test_schema_is_the_models_parameters_then_the_registered_strategies():
    from sim.engine.parameters import MODEL, SHARED
    from sim.engine.strategies import STRATEGIES

    choice = lookup("strategy.name", "test")
    assert choice.choices == tuple(STRATEGIES)
    own = [p for cls in STRATEGIES.values() for p in cls.parameters]
    assert SCHEMA == (*MODEL, choice, *SHARED, *own)
    for name, cls in STRATEGIES.items():
        assert tuple(iter_params(f"strategy.{name}")) == cls.parameters
        assert all(lookup(p.key, "test") is p for p in cls.parameters)
    nested = {p.section for p in SCHEMA if p.section.startswith("strategy.")}
    assert nested == {f"strategy.{name}" for name, cls in STRATEGIES.items() if cls.parameters}
    assert not any(p.section.startswith("strategy.") for p in (*MODEL, *SHARED))


class _Pilot(Strategy):
    """A strategy that exists only in these tests."""

    name = "test_pilot"
    summary = "A test strategy."
    parameters = (
        param("strategy.test_pilot", "size", 5, "People in the pilot.", unit="people",
              low=1, high=100),
        param("strategy.test_pilot", "announce", False, "Whether the pilot is announced."),
    )


def test_a_strategy_added_to_the_registry_brings_its_name_and_parameters():
    from sim.engine.strategies import STRATEGIES

    schema = assemble({**STRATEGIES, _Pilot.name: _Pilot})
    by_key = {p.key: p for p in schema}
    assert by_key["strategy.name"].choices == (*STRATEGIES, "test_pilot")
    assert schema[-2:] == _Pilot.parameters
    assert by_key["strategy.test_pilot.size"].default == 5
    assert [p.key for p in schema[:-2]] == [p.key for p in SCHEMA]
    assert "test_pilot" not in STRATEGIES  # assembling registers nothing


def test_strategy_parameters_must_be_in_their_own_section():
    from sim.engine.strategies import STRATEGIES, register

    class Stray(Strategy):
        """Declares a parameter in another strategy's section."""

        name = "test_stray"
        parameters = (param("strategy.leader_cascade", "extra", 1, "Misplaced.", low=0, high=9),)

    with pytest.raises(ValueError, match="outside its section"):
        register(Stray)
    with pytest.raises(ValueError, match="outside its section"):
        assemble({**STRATEGIES, Stray.name: Stray})
    assert "test_stray" not in STRATEGIES


def test_a_parameter_declared_twice_is_refused():
    from sim.engine.strategies import STRATEGIES

    class Twice(Strategy):
        """Declares one parameter twice."""

        name = "test_twice"
        parameters = (param("strategy.test_twice", "k", 1, "One.", low=0, high=9),) * 2

    with pytest.raises(ValueError, match="declared twice"):
        assemble({**STRATEGIES, Twice.name: Twice})


# --- participation.motivation_concentration --------------------------------------------------


def _motivation(updates: dict, steps: int = 0) -> np.ndarray:
    from sim.engine.model import LearningModel

    params = Params().replace({"org.employees": 2000, "org.unofficial_groups": 0,
                               "strategy.name": "none", **updates})
    return LearningModel(params, seed=11).run(steps).state.employees.motivation


def test_motivation_concentration_is_a_documented_parameter_with_the_old_default():
    p = lookup("participation.motivation_concentration", "test")
    assert p.default == 10.0 and p.kind is float and p.low > 0
    assert p.help and "Beta" in p.help
    with pytest.raises(ParameterError):
        Params().replace({"participation.motivation_concentration": 0.0})


@pytest.mark.parametrize("concentration", [2.0, 10.0, 100.0])
def test_motivation_spread_follows_the_concentration(concentration):
    mean = Params().participation.initial_motivation
    motivation = _motivation({"participation.motivation_concentration": concentration})
    sd = math.sqrt(mean * (1 - mean) / (concentration + 1))  # Beta(c mu, c (1 - mu))
    assert motivation.mean() == pytest.approx(mean, abs=4 * sd / math.sqrt(motivation.size))
    assert motivation.std() == pytest.approx(sd, rel=0.1)


def test_newcomers_draw_motivation_with_the_concentration_too():
    # With turnover 1 everyone is replaced in week 1: all motivation is a newcomer's.
    turnover = {"environment.turnover": 1.0, "culture.recognition": 0.0}
    narrow = _motivation({**turnover, "participation.motivation_concentration": 500.0}, 1)
    wide = _motivation({**turnover, "participation.motivation_concentration": 1.0}, 1)
    assert narrow.std() < 0.05 < 0.3 < wide.std()
    before = _motivation({**turnover, "participation.motivation_concentration": 500.0})
    assert not np.array_equal(narrow, before)  # redrawn, not kept


def test_plausible_ranges_lie_inside_the_allowed_ones_around_the_default():
    from sim.engine.params import uncertain_parameters

    uncertain = uncertain_parameters()
    assert len(uncertain) >= 6
    for p in uncertain:
        r = p.plausible
        assert p.kind in (int, float), p.key
        assert p.low <= r.low < r.high <= p.high, p.key
        assert r.low <= p.default <= r.high, p.key
        assert len(r.reason) > 40 and r.reason.endswith("."), p.key
