import numpy as np

from sim.mechanisms import communities
from sim.mechanisms.environment import turbulence_step, turnover_step
from sim.mechanisms.exploration import exploration_step
from sim.state import Engagement
from tests.conftest import make_state, small_params


def test_no_turnover_replaces_nobody(rng):
    params = small_params()
    state = make_state(params)
    before = state.employees.beliefs.copy()
    for _ in range(20):
        assert turnover_step(state, params, rng).size == 0
    assert np.array_equal(state.employees.person_id, np.arange(params.org.employees))
    assert np.array_equal(state.employees.beliefs, before)


def test_full_turnover_replaces_everyone_with_unaware_newcomers(rng):
    params = small_params(environment__turnover=1.0, standards__onboarding=0.0)
    state = make_state(params)
    k = communities.launch(state, params, official=True)
    communities.enrol(state, params, np.arange(50), k)
    state.employees.engagement[:] = Engagement.CHAMPION
    left = turnover_step(state, params, rng)
    e = state.employees
    assert left.size == e.n
    assert (e.person_id >= e.n).all() and np.unique(e.person_id).size == e.n
    assert (e.engagement == Engagement.UNAWARE).all()
    assert not state.communities.members.any()
    shares = [(e.beliefs == v).mean() for v in (-1, 0, 1)]
    assert np.allclose(shares, 1 / 3, atol=0.03)  # March (1991): newcomers' beliefs uniform


def test_onboarding_teaches_newcomers_the_standards(rng):
    params = small_params(environment__turnover=1.0, standards__onboarding=1.0)
    state = make_state(params)
    state.world.standards[:5] = 1
    turnover_step(state, params, rng)
    assert (state.employees.beliefs[:, :5] == 1).all()


def test_turbulence_flips_reality_at_its_rate(rng):
    params = small_params()
    state = make_state(params)
    reality = state.world.reality.copy()
    turbulence_step(state, params, rng)
    assert np.array_equal(state.world.reality, reality)
    turbulence_step(state, small_params(environment__turbulence=1.0), rng)
    assert np.array_equal(state.world.reality, -reality)
    assert set(np.unique(state.world.reality)) <= {-1, 1}


def test_accurate_experiments_teach_the_truth_and_inaccurate_ones_mislead(rng):
    for accuracy, expected in ((1.0, 1), (0.0, -1)):
        params = small_params(knowledge__exploration_rate=1.0,
                              knowledge__evaluation_accuracy=accuracy,
                              culture__psychological_safety=1.0)
        state = make_state(params)
        before = state.employees.beliefs.copy()
        tried = exploration_step(state, params, rng)
        assert tried.size == state.employees.n
        changed = state.employees.beliefs != before
        assert (changed.sum(axis=1) <= 1).all()
        touched = (state.employees.beliefs * state.world.reality)[changed]
        assert (touched == expected).all()


def test_no_experiments_without_safety(rng):
    params = small_params(knowledge__exploration_rate=1.0, culture__psychological_safety=0.0)
    state = make_state(params)
    assert exploration_step(state, params, rng).size == 0
