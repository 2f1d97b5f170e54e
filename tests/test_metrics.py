from pathlib import Path

import numpy as np
import pytest

from sim import LearningModel, Params
from sim.config.scenario import load_scenario
from sim.engine.mechanisms import communities
from sim.engine.metrics import HEADLINE_KPIS, KPIS, RUN_KPIS, measure, run_summary
from sim.engine.state import Engagement
from tests.conftest import make_state, small_params

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def finished():
    model = LearningModel(Params().replace({"org.employees": 300, "run.steps": 40}), seed=8).run()
    return model, model.timeseries()


def test_every_weekly_kpi_is_documented(finished):
    _, series = finished
    documented = {k.name for k in KPIS}
    fixed = [k for k in series if not k.startswith("knowledge_div_")]
    assert fixed == [k.name for k in KPIS]
    assert documented <= set(series)


def test_run_summary_matches_its_registry_and_formulas(finished):
    model, series = finished
    summary = run_summary(series, model.state)
    assert list(summary) == [k.name for k in RUN_KPIS]
    assert all(k.better in ("higher", "lower", "none") for k in RUN_KPIS)
    assert summary["reach_participating"] == series["participating_share"][-1]
    assert summary["reach_voluntary"] == series["voluntary_share"][-1]
    assert summary["reach_enrolled"] == series["enrolled_share"][-1]
    assert summary["value_realised"] == pytest.approx(
        series["error_rate"][0] - series["error_rate"][-1])
    profile = summary["lurker_share"] + summary["contributor_share"] + summary["champion_share"]
    assert profile == pytest.approx(1.0)
    reached = np.flatnonzero(series["participating_share"] >= 0.5)
    expected = reached[0] if reached.size else len(series["step"])
    assert summary["time_to_50"] == expected
    reached = np.flatnonzero(series["voluntary_share"] >= 0.5)
    expected = reached[0] if reached.size else len(series["step"])
    assert summary["time_to_50_voluntary"] == expected


def test_time_to_reach_is_censored_when_never_reached():
    params = Params().replace({"org.employees": 200, "run.steps": 10, "strategy.name": "none"})
    model = LearningModel(params, seed=1).run()
    summary = run_summary(model.timeseries(), model.state)
    assert summary["time_to_80"] == 11.0  # steps + 1: not reached within the horizon


def test_fast_and_slow_learners_are_measured_apart_only_when_both_kinds_exist():
    plain = LearningModel(Params().replace({"org.employees": 100}), seed=1).run(2).timeseries()
    assert "knowledge_fast_learners" not in plain
    mixed = LearningModel(Params().replace({"org.employees": 100,
                                            "knowledge.fast_learner_share": 0.3}),
                          seed=1).run(2)
    series, e = mixed.timeseries(), mixed.state.employees
    assert e.fast_learner.sum() == 30  # 6 in each division of 20
    knowledge = (e.beliefs.astype(int) @ mixed.state.world.reality.astype(int)) / e.beliefs.shape[1]
    assert series["knowledge_fast_learners"][-1] == pytest.approx(knowledge[e.fast_learner].mean())
    assert series["knowledge_slow_learners"][-1] == pytest.approx(
        knowledge[~e.fast_learner].mean())


def test_on_an_nk_landscape_performance_is_the_mean_landscape_score():
    params = Params().replace({"org.employees": 60, "knowledge.landscape": "nk",
                               "knowledge.dimensions": 10, "knowledge.nk_interactions": 3,
                               "environment.turbulence": 0.0})
    model = LearningModel(params, seed=2).run(3)
    state = model.state
    assert model.timeseries()["performance"][-1] == pytest.approx(
        state.world.landscape.score(state.employees.beliefs).mean())
    assert np.array_equal(state.world.reality, state.world.landscape.optimum)


HEADLINE_ORDER = ["knowledge_final", "error_rate_final", "reach_contributing", "reach_voluntary",
                  "time_to_50_voluntary"]


def run_of(strategy: str, steps: int = 30, **updates):
    params = Params().replace({"org.employees": 300, "run.steps": steps,
                               "strategy.name": strategy, **updates})
    model = LearningModel(params, seed=3).run()
    return model, model.timeseries()


def test_participation_splits_into_voluntary_and_enrolled(finished):
    _, series = finished
    total = series["voluntary_share"] + series["enrolled_share"]
    np.testing.assert_allclose(total, series["participating_share"], atol=1e-12)


def test_a_leader_cascade_enrols_people_who_did_not_choose_to_take_part():
    model, series = run_of("leader_cascade", steps=20)
    assert series["enrolled_share"][-1] > 0.3
    assert series["voluntary_share"][-1] < series["participating_share"][-1]
    np.testing.assert_allclose(series["voluntary_share"] + series["enrolled_share"],
                               series["participating_share"], atol=1e-12)
    summary = run_summary(series, model.state)
    assert summary["reach_participating"] == 1.0  # every level enrolled: full "reach"
    assert summary["reach_enrolled"] == series["enrolled_share"][-1] > 0
    assert summary["reach_voluntary"] == series["voluntary_share"][-1] < 1.0
    assert summary["time_to_50_voluntary"] > summary["time_to_50"]


@pytest.mark.parametrize("scenario", [None, "reinforcement.toml", "word-of-mouth.toml"])
@pytest.mark.parametrize("strategy", ["org_wide_first", "small_groups_first"])
def test_without_compulsion_everyone_taking_part_chose_to(strategy, scenario):
    """Voluntary strategies: reach is voluntary reach (the rank-swap scenarios included)."""
    if scenario is None:
        _, series = run_of(strategy)
    else:
        params = load_scenario(ROOT / "scenarios" / scenario,
                               ["org.employees=300", "run.steps=30", f"strategy.name={strategy}"])
        series = LearningModel(params, seed=3).run().timeseries()
    assert series["participating_share"][-1] > 0
    np.testing.assert_array_equal(series["voluntary_share"], series["participating_share"])
    assert not series["enrolled_share"].any()


def test_compulsory_participation_makes_small_groups_enrol():
    model, series = run_of("small_groups_first", **{"participation.compulsory": True})
    assert series["enrolled_share"].max() > 0
    assert series["voluntary_share"][-1] < series["participating_share"][-1]
    assert run_summary(series, model.state)["reach_enrolled"] > 0


def test_an_enrolled_contributor_counts_as_contributing_but_not_as_voluntary():
    """Contribution is engagement however someone joined; membership alone is not."""
    params = small_params()
    state = make_state(params)
    forced = communities.launch(state, params, official=True, compulsory=True)
    chosen = communities.launch(state, params, official=True)
    communities.enrol(state, params, np.arange(100), forced, compulsory=True)
    communities.enrol(state, params, np.arange(80, 120), chosen)
    state.employees.engagement[[0, 1, 90, 110]] = Engagement.CONTRIBUTOR
    values = measure(state)
    n = state.employees.n
    assert values["participating_share"] == 120 / n
    assert values["voluntary_share"] == 40 / n  # 80..119 chose a community
    assert values["enrolled_share"] == 80 / n  # 0..79 are members only by enrolment
    assert values["contributing_share"] == 4 / n  # enrolled contributors 0 and 1 included


def test_time_to_voluntary_half_is_censored_when_never_reached():
    params = Params().replace({"org.employees": 200, "run.steps": 10, "strategy.name": "none"})
    model = LearningModel(params, seed=1).run()
    summary = run_summary(model.timeseries(), model.state)
    assert summary["time_to_50_voluntary"] == 11.0


def test_headline_kpis_lead_with_learning_and_leave_enrolment_out():
    assert [k.name for k in HEADLINE_KPIS] == HEADLINE_ORDER
    assert [k.name for k in RUN_KPIS if k.headline] == HEADLINE_ORDER  # one order everywhere
    assert all(k.better in ("higher", "lower") for k in HEADLINE_KPIS)
    by_name = {k.name: k for k in RUN_KPIS}
    for name in ("reach_participating", "time_to_50", "time_to_80", "reach_enrolled"):
        assert not by_name[name].headline, name
    assert by_name["reach_enrolled"].better == "none"
    assert "compulsory enrolment" in next(k for k in KPIS
                                          if k.name == "participating_share").formula
