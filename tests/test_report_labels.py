"""Reports name parameters and KPIs as people read them, and say what each strategy had."""

from __future__ import annotations

from sim.engine.strategies import STRATEGIES
from sim.report.labels import in_sentence, kpi_label, parameter_label, parameter_labels
from sim.report.strategies import strategies_section


def test_parameters_are_named_by_their_schema_label_or_their_name_in_words():
    assert parameter_label("org.cross_division_share") == "Cross-division ties"
    assert parameter_label("knowledge.socialisation_rate") == "Socialisation rate"
    assert parameter_label("x0") == "x0"  # not a parameter: shown as it is


def test_two_parameters_with_one_title_are_told_apart_by_their_section():
    keys = ["strategy.small_groups_first.wave_every", "strategy.org_wide_first.wave_every"]
    assert parameter_labels(keys) == ["Wave every (strategy.small_groups_first)",
                                      "Wave every (strategy.org_wide_first)"]


def test_kpis_are_named_by_the_registry():
    assert kpi_label("error_rate_final") == "Error rate (end)"
    assert kpi_label("participating_share") == "Participating (enrolment included)"
    assert kpi_label("standards_correct") == "Standards correct"
    assert in_sentence("Mean adoption threshold") == "mean adoption threshold"
    assert in_sentence("NK landscape") == "NK landscape"


def test_the_strategies_section_gives_each_strategy_and_the_shared_budget():
    # The manifest's parameters, by section; a strategy's unset parameters take their defaults.
    parameters = {"strategy": {"facilitation_hours": 12.0, "launch_week": 5},
                  "community": {"hours_per_member": 0.5},
                  "strategy.small_groups_first": {"pilot_groups": 7}}
    text = strategies_section(["small_groups_first", "org_wide_first"], parameters, 104)
    assert text.startswith("## The strategies compared and the budget\n")
    for name in ("small_groups_first", "org_wide_first"):
        assert f"| `{name}` | {STRATEGIES[name].summary} |" in text
    assert "pilot groups 7 communities" in text and "wave every 8 weeks" in text
    # 12 hours a week from week 5 to week 104: 100 weeks, 1,200 hours; 24 members covered.
    assert "**12 facilitator hours a week** from week 5, 1,200 hours over the 104 weeks" in text
    assert "fully covers 24 members at a time" in text
    assert strategies_section([], parameters, 104) == ""
