import random

import mesa
import numpy as np
import pytest

from sim import Engagement, LearningModel, Params
from sim.engine.agents import BoundarySpanner, Community, Employee
from sim.engine.rng import derive_seed, stream

SMALL = {"org.employees": 300, "run.steps": 30}


def series_bytes(model: LearningModel) -> bytes:
    return b"".join(v.tobytes() for v in model.timeseries().values())


@pytest.mark.parametrize("strategy", ["none", "org_wide_first", "small_groups_first"])
def test_same_seed_same_bytes_and_different_seed_different_numbers(strategy):
    params = Params().replace({**SMALL, "strategy.name": strategy})
    a = LearningModel(params, seed=11).run()
    b = LearningModel(params, seed=11).run()
    c = LearningModel(params, seed=12).run()
    assert series_bytes(a) == series_bytes(b)
    assert np.array_equal(a.state.employees.beliefs, b.state.employees.beliefs)
    assert series_bytes(a) != series_bytes(c)


def test_global_random_generators_are_untouched():
    np_state = np.random.get_state()[1].copy()  # noqa: NPY002 (checking it is untouched)
    py_state = random.getstate()
    LearningModel(Params().replace(SMALL), seed=5).run()
    assert np.array_equal(np.random.get_state()[1], np_state)  # noqa: NPY002
    assert random.getstate() == py_state


@pytest.mark.parametrize("strategy", ["small_groups_first", "org_wide_first", "leader_cascade"])
def test_a_run_never_draws_from_mesas_own_generators(strategy):
    # every draw must come from a named stream, or strategies stop sharing random numbers
    model = LearningModel(Params().replace({**SMALL, "strategy.name": strategy}), seed=5)
    rng_state, random_state = model.rng.bit_generator.state, model.random.getstate()
    model.run()
    assert model.rng.bit_generator.state == rng_state
    assert model.random.getstate() == random_state


def test_named_streams_are_independent_and_stable():
    assert stream(1, "a").random() == stream(1, "a").random()
    assert stream(1, "a").random() != stream(1, "b").random()
    assert stream(1, "a").random() != stream(2, "a").random()
    assert derive_seed(7, 0, 1) == derive_seed(7, 0, 1) != derive_seed(7, 1, 0)


def test_strategies_share_the_organisation_and_initial_state_of_a_seed():
    base = Params().replace(SMALL)
    a = LearningModel(base.replace({"strategy.name": "none"}), seed=3)
    b = LearningModel(base.replace({"strategy.name": "org_wide_first"}), seed=3)
    assert (a.org.ties != b.org.ties).nnz == 0
    assert np.array_equal(a.state.employees.beliefs, b.state.employees.beliefs)
    assert np.array_equal(a.state.world.reality, b.state.world.reality)


def test_agents_are_views_onto_the_state_arrays():
    model = LearningModel(Params().replace(SMALL), seed=2)
    n = model.params.org.employees
    employees = model.agents_by_type[Employee] if Employee in model.agents_by_type else []
    spanners = model.agents_by_type.get(BoundarySpanner, [])
    assert len(employees) + len(spanners) == n
    assert len(spanners) == model.org.is_spanner.sum() > 0
    agent = model.employees[7]
    agent.motivation = 0.123
    assert model.state.employees.motivation[7] == 0.123
    model.state.employees.engagement[7] = Engagement.CHAMPION
    assert agent.engagement is Engagement.CHAMPION
    with pytest.raises(ValueError):
        agent.beliefs[0] = 1  # read-only view
    assert agent.knowledge == pytest.approx(
        float(model.state.employees.beliefs[7] @ model.state.world.reality) / 30)
    groups = list(model.agents_by_type[Community])
    assert len(groups) == model.params.org.unofficial_groups
    assert sorted(groups[0].members.tolist()) == sorted(model.org.groups[0].tolist())


def test_a_run_moves_the_world_and_records_every_week():
    model = LearningModel(Params().replace(SMALL), seed=4).run()
    ts = model.timeseries()
    assert all(len(v) == 31 for v in ts.values())
    assert ts["step"].tolist() == list(range(31))
    assert ts["aware_share"][-1] > ts["aware_share"][0]
    assert ts["mean_knowledge"][-1] > ts["mean_knowledge"][0]
    assert np.allclose(ts["performance"] + ts["error_rate"], 1)
    for key in ("aware_share", "participating_share", "contributing_share", "champion_share"):
        assert ((0 <= ts[key]) & (ts[key] <= 1)).all()
    assert (ts["participating_share"] <= ts["aware_share"]).all()
    assert (ts["contributing_share"] <= ts["participating_share"]).all()
    assert set(np.unique(model.state.employees.beliefs)) <= {-1, 0, 1}


def test_an_active_strategy_reaches_more_people_than_the_control():
    base = Params().replace({"org.employees": 500, "run.steps": 52})
    reach = {}
    for name in ("none", "org_wide_first", "small_groups_first"):
        shares = [LearningModel(base.replace({"strategy.name": name}), seed=s).run()
                  .timeseries()["participating_share"][-1] for s in range(3)]
        reach[name] = np.mean(shares)
    assert reach["none"] < reach["small_groups_first"]
    assert reach["none"] < reach["org_wide_first"]


def test_each_division_gets_its_exact_share_of_fast_learners_at_random():
    from sim.engine.state import pick_fast_learners

    division = np.repeat([0, 1, 2], [50, 7, 13])
    picks = [pick_fast_learners(division, 0.3, np.random.default_rng(s)) for s in (1, 2)]
    for fast in picks:
        assert np.bincount(division[fast], minlength=3).tolist() == [15, 2, 4]
    assert not np.array_equal(*picks)


def test_employee_agents_are_created_only_when_asked_for():
    model = LearningModel(Params().replace(SMALL), seed=2).run(3)
    registered = mesa.Model.agents.fget(model)  # Mesa's own set, without creating anything
    assert len(registered) == len(model.communities) > 0  # a run needs no employee agents
    assert len(model.agents) == model.params.org.employees + len(model.communities)
    assert model.employees[5] in model.agents_by_type[type(model.employees[5])]
