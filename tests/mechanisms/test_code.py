import numpy as np

from sim.engine.mechanisms import communities
from sim.engine.mechanisms.code import code_learning_step
from sim.engine.state import Engagement
from tests.conftest import make_state, small_params


def community_of_experts(params, met=True):
    state = make_state(params)
    k = communities.launch(state, params, official=True)
    members = np.arange(20)
    communities.enrol(state, params, members, k)
    state.employees.engagement[members] = Engagement.CONTRIBUTOR
    state.employees.beliefs[members] = state.world.reality  # all experts
    state.week.score[:] = 0
    state.week.score[members] = params.knowledge.dimensions  # they out-perform any code
    state.week.actions = state.employees.beliefs.copy()  # they act on what they know
    state.week.meets[k] = met
    state.week.primary[members] = k
    state.week.attending[members] = k if met else -1
    return state, k


def test_without_code_learning_the_code_never_changes(rng):
    params = small_params()
    state, k = community_of_experts(params)
    for _ in range(10):
        code_learning_step(state, params, rng)
    assert not state.communities.code[k].any()


def test_code_adopts_the_superior_majority(rng):
    params = small_params(knowledge__code_learning_rate=0.5)
    state, k = community_of_experts(params)
    code_learning_step(state, params, rng)
    # k = 20 votes: adoption chance 1 - 0.5**20, so every dimension is adopted.
    assert np.array_equal(state.communities.code[k], state.world.reality)


def test_members_who_did_not_attend_do_not_teach(rng):
    params = small_params(knowledge__code_learning_rate=1.0)
    state, k = community_of_experts(params)
    state.week.attending[:] = -1
    code_learning_step(state, params, rng)
    assert not state.communities.code[k].any()


def test_code_learns_only_after_a_meeting(rng):
    params = small_params(knowledge__code_learning_rate=1.0)
    state, k = community_of_experts(params, met=False)
    code_learning_step(state, params, rng)
    assert not state.communities.code[k].any()


def test_lurkers_teach_the_code_only_when_members_count(rng):
    for source, taught in (("contributors", False), ("members", True)):
        params = small_params(knowledge__code_learning_rate=1.0,
                              knowledge__code_learns_from=source)
        state, k = community_of_experts(params)
        state.employees.engagement[:] = Engagement.LURKER
        code_learning_step(state, params, rng)
        assert state.communities.code[k].any() == taught


def test_adoption_probability_grows_with_the_majority_margin():
    """March (1991): the code adopts with chance 1 - (1 - p2)^k, k = majority - minority."""
    params = small_params(knowledge__code_learning_rate=0.1)
    adopted = []
    for margin in (1, 5):
        count = 0
        for seed in range(300):
            state, k = community_of_experts(params)
            members = np.arange(20)
            state.employees.beliefs[members] = 0
            state.employees.beliefs[members[:margin], 0] = state.world.reality[0]
            state.week.actions = state.employees.beliefs.copy()
            code_learning_step(state, params, np.random.default_rng([7, margin, seed]))
            count += state.communities.code[k, 0] == state.world.reality[0]
        adopted.append(count / 300)
    assert abs(adopted[0] - 0.1) < 0.06
    assert abs(adopted[1] - (1 - 0.9 ** 5)) < 0.08


def test_the_code_learns_from_what_superior_people_did_not_from_what_they_believe(rng):
    """March's original program: votes are this week's actions (lucky guesses count)."""
    params = small_params(knowledge__code_learning_rate=1.0)
    state, k = community_of_experts(params)
    members = np.arange(20)
    state.employees.beliefs[members] = 0             # they know nothing ...
    state.week.actions[members] = state.world.reality  # ... but acted rightly this week
    code_learning_step(state, params, rng)
    assert np.array_equal(state.communities.code[k], state.world.reality)
