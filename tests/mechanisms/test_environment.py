import numpy as np

from sim.engine.mechanisms import communities
from sim.engine.mechanisms.environment import turbulence_step, turnover_step
from sim.engine.mechanisms.exploration import exploration_step
from sim.engine.state import Engagement
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


def test_newcomers_take_over_the_leavers_compulsory_memberships(rng):
    params = small_params(environment__turnover=1.0)
    state = make_state(params)
    compulsory = communities.launch(state, params, official=True, compulsory=True)
    voluntary = communities.launch(state, params, official=True)
    communities.enrol(state, params, np.arange(30), compulsory, compulsory=True)
    communities.enrol(state, params, np.arange(20, 60), voluntary)
    turnover_step(state, params, rng)
    members = state.communities.members
    assert np.array_equal(np.flatnonzero(members[:, compulsory]), np.arange(30))
    assert not members[:, voluntary].any()
    assert state.employees.compulsory[:30].all() and not state.employees.compulsory[30:].any()
    assert (state.employees.engagement[:30] == Engagement.LURKER).all()
    # The newcomers did not choose these memberships: they are enrolled.
    assert state.communities.enrolled[:30, compulsory].all()
    assert not state.communities.chosen.any()


def test_definite_beliefs_have_no_unknown_dimensions(rng):
    params = small_params(environment__turnover=1.0, knowledge__initial_beliefs="definite")
    state = make_state(params)
    assert set(np.unique(state.employees.beliefs)) == {-1, 1}
    turnover_step(state, params, rng)
    assert set(np.unique(state.employees.beliefs)) == {-1, 1}


def test_explorers_when_stuck_are_only_those_who_saw_no_better_colleague(rng):
    params = small_params(knowledge__exploration_rate=1.0, knowledge__explore_when="stuck",
                          culture__psychological_safety=1.0)
    state = make_state(params)
    state.week.saw_better[::3] = True
    tried = exploration_step(state, params, rng)
    assert np.array_equal(tried, np.flatnonzero(~state.week.saw_better))


def nk_params(**updates):
    return small_params(knowledge__landscape="nk", knowledge__dimensions=12,
                        knowledge__nk_interactions=3, knowledge__initial_beliefs="definite",
                        **updates)


def test_on_an_nk_landscape_an_accurate_experiment_keeps_only_improvements(rng):
    params = nk_params(knowledge__exploration_rate=1.0, knowledge__evaluation_accuracy=1.0,
                       culture__psychological_safety=1.0)
    state = make_state(params)
    state.week.actions = state.employees.beliefs.copy()
    before = state.employees.beliefs.copy()
    exploration_step(state, params, rng)
    after = state.employees.beliefs
    changed = (after != before).any(axis=1)
    assert ((after != before).sum(axis=1) <= 1).all() and changed.any() and not changed.all()
    assert (state.world.score(after[changed]) > state.world.score(before[changed])).all()
