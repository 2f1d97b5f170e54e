import numpy as np
import pytest

from sim import LearningModel, Params
from sim.engine.metrics import KPIS, RUN_KPIS, run_summary


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
    assert summary["value_realised"] == pytest.approx(
        series["error_rate"][0] - series["error_rate"][-1])
    profile = summary["lurker_share"] + summary["contributor_share"] + summary["champion_share"]
    assert profile == pytest.approx(1.0)
    reached = np.flatnonzero(series["participating_share"] >= 0.5)
    expected = reached[0] if reached.size else len(series["step"])
    assert summary["time_to_50"] == expected


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
