"""Whether an organisation suits the strategies asked for, and a start that is already high."""

from __future__ import annotations

import pytest

from sim.config.fit import (
    built_lines,
    check_hierarchy,
    start_caveats,
    strategies_without_hierarchy,
)
from sim.config.scenario import load_scenario
from sim.engine.params import Params
from sim.engine.strategies import STRATEGIES
from sim.errors import ParameterError


def flat_scenario(tmp_path, people: int = 30):
    (tmp_path / "people.csv").write_text(
        "Staff ID;Practice;Manager\n" + "".join(f"P{i:03d};{'Tax' if i % 2 else 'Law'};\n"
                                                for i in range(people)), encoding="utf-8")
    (tmp_path / "flat.toml").write_text('[scenario]\nname = "flat"\ndescription = "x"\n'
                                        '[org]\nchart = "people.csv"\n', encoding="utf-8")
    return load_scenario(tmp_path / "flat.toml")


def test_only_leader_cascade_needs_reporting_lines():
    assert [s for s in STRATEGIES if STRATEGIES[s].needs_hierarchy] == ["leader_cascade"]


def test_a_synthetic_organisation_suits_every_strategy():
    assert strategies_without_hierarchy(Params(), STRATEGIES) == []
    check_hierarchy(Params(), STRATEGIES, "default.toml", "levers.strategies")


def test_an_organisation_without_managers_refuses_leader_cascade_in_one_line(tmp_path):
    params = flat_scenario(tmp_path)
    assert strategies_without_hierarchy(params, STRATEGIES) == ["leader_cascade"]
    check_hierarchy(params, ["none", "org_wide_first"], "flat.toml", "--strategies")
    with pytest.raises(ParameterError) as info:
        check_hierarchy(params, ["org_wide_first", "leader_cascade"], "flat.toml",
                        "--strategies")
    message = str(info.value)
    assert "\n" not in message and message.startswith("flat.toml: --strategies = ")
    assert "no reporting lines (30 people, 0 managers)" in message
    assert "leave leader_cascade out" in message


def test_a_flat_organisation_is_described_without_ids_or_labels(tmp_path):
    params = flat_scenario(tmp_path)
    text = "\n".join(built_lines(params))
    assert "strategies it does not suit: leader_cascade (no reporting lines)" in text
    assert "P001" not in text and "Tax" not in text and "Law" not in text


def test_a_start_covered_by_unofficial_groups_is_named():
    team = Params().replace({"org.employees": 20, "org.divisions": 2})
    assert team.org.unofficial_groups == 0 and start_caveats(team) == []
    crowded = team.replace({"org.unofficial_groups": 5})
    found = start_caveats(crowded)
    assert len(found) == 1 and "of the organisation's 20 people" in found[0]
    assert "org.unofficial_groups = 5 as set" in found[0]
    assert start_caveats(Params()) == []  # 5 groups among 1,000 people: about 5 %
