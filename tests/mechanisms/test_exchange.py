import numpy as np
import scipy.sparse as sp

from sim.engine.mechanisms import communities
from sim.engine.mechanisms.exchange import act, exchange_step
from sim.engine.state import ORG_WIDE, Engagement, World
from tests.conftest import make_state, ring, small_params


def with_code_community(state, params, code_value=1):
    """Everyone is a member of one community whose code is all `code_value`."""
    k = communities.launch(state, params, official=True, scope=ORG_WIDE)
    communities.enrol(state, params, np.arange(state.employees.n), k)
    state.communities.code[k] = code_value
    state.week.primary[:] = k
    state.week.attending[:] = k
    state.week.meets[k] = True
    return k


def score(rows, reality):
    return World(reality=reality, standards=np.zeros_like(reality)).score(rows)


def test_act_guesses_only_where_beliefs_are_unknown(rng):
    reality = np.array([1, -1, 1, 1], np.int8)
    known = np.array([[1, -1, 1, 1], [-1, 1, -1, -1]], np.int8)
    assert np.array_equal(act(known, rng), known)
    assert score(act(known, rng), reality).tolist() == [4, -4]
    guesses = act(np.zeros((3000, 4), np.int8), rng)
    assert set(np.unique(guesses)) == {-1, 1}
    assert abs(guesses.mean()) < 0.05  # fair coin
    assert abs(score(guesses, reality).mean()) < 0.1


def test_the_score_counts_unknown_dimensions_as_zero():
    reality = np.array([1, -1, 1, 1], np.int8)
    assert score(np.array([[1, 0, 0, -1]], np.int8), reality).tolist() == [0]


def test_without_socialisation_no_belief_moves_toward_a_code(rng):
    params = small_params()
    state = make_state(params)
    with_code_community(state, params)
    before = state.employees.beliefs.copy()
    for _ in range(10):
        exchange_step(state, params, rng)
    assert np.array_equal(state.employees.beliefs, before)


def test_with_full_socialisation_every_belief_steps_toward_the_code(rng):
    params = small_params(knowledge__socialisation_rate=1.0)
    state = make_state(params)
    with_code_community(state, params, code_value=1)
    before = state.employees.beliefs.copy()
    exchange_step(state, params, rng)
    assert np.array_equal(state.employees.beliefs, np.minimum(before + 1, 1))


def test_members_who_only_read_socialise_at_the_reduced_rate(rng):
    params = small_params(knowledge__socialisation_rate=1.0, knowledge__reading_socialisation=0.0)
    state = make_state(params)
    with_code_community(state, params)
    state.week.attending[:] = -1  # nobody meets this week; they could only read
    before = state.employees.beliefs.copy()
    exchange_step(state, params, rng)
    assert np.array_equal(state.employees.beliefs, before)


def test_without_ties_there_is_no_peer_learning(rng):
    params = small_params(knowledge__peer_learning_rate=1.0,
                          culture__psychological_safety=1.0, culture__competitiveness=0.0)
    n = params.org.employees
    state = make_state(params, ties=sp.csr_array((n, n)))
    before = state.employees.beliefs.copy()
    for _ in range(5):
        exchange_step(state, params, rng)
        assert state.week.exchanges_total == 0
    assert np.array_equal(state.employees.beliefs, before)


def test_with_ties_people_learn_from_better_colleagues(rng):
    params = small_params(knowledge__peer_learning_rate=1.0,
                          culture__psychological_safety=1.0, culture__competitiveness=0.0)
    state = make_state(params)
    reality = state.world.reality
    before = (state.employees.beliefs @ reality).mean()
    for _ in range(20):
        exchange_step(state, params, rng)
    assert state.week.exchanges_total > 0
    assert (state.employees.beliefs @ reality).mean() > before + 1


def test_competition_shuts_peer_learning_down(rng):
    params = small_params(knowledge__peer_learning_rate=1.0, culture__competitiveness=1.0)
    state = make_state(params)
    before = state.employees.beliefs.copy()
    exchange_step(state, params, rng)
    assert np.array_equal(state.employees.beliefs, before)


def test_attendees_learn_from_the_contributors_they_talk_with(rng):
    params = small_params(knowledge__meeting_learning_rate=1.0, culture__psychological_safety=1.0)
    n = params.org.employees
    state = make_state(params, ties=sp.csr_array((n, n)))
    with_code_community(state, params, code_value=0)
    experts = np.arange(n) % 2 == 0
    state.employees.beliefs[:] = 0
    state.employees.beliefs[experts] = state.world.reality
    state.employees.engagement[:] = Engagement.LURKER
    state.employees.engagement[experts] = Engagement.CONTRIBUTOR
    exchange_step(state, params, rng)
    learned = (state.employees.beliefs[~experts] == state.world.reality).all(axis=1)
    # Each lurker talks with one random other attendee: an expert about half the time.
    assert 0.35 < learned.mean() < 0.65
    # Lurkers do not share, so no expert learned anything from them (they could not anyway).
    assert (state.employees.beliefs[experts] == state.world.reality).all()
    assert state.week.exchanges_total == learned.sum()


def test_nobody_learns_at_a_meeting_without_contributors(rng):
    params = small_params(knowledge__meeting_learning_rate=1.0, culture__psychological_safety=1.0)
    n = params.org.employees
    state = make_state(params, ties=sp.csr_array((n, n)))
    with_code_community(state, params, code_value=0)
    state.employees.engagement[:] = Engagement.LURKER
    before = state.employees.beliefs.copy()
    exchange_step(state, params, rng)
    assert np.array_equal(state.employees.beliefs, before)


def test_beliefs_stay_ternary_under_every_channel_at_once(rng):
    params = small_params(knowledge__socialisation_rate=1.0, knowledge__peer_learning_rate=1.0,
                          knowledge__meeting_learning_rate=1.0,
                          standards__formal_learning_rate=1.0, culture__competitiveness=0.0)
    state = make_state(params)
    with_code_community(state, params, code_value=-1)
    state.world.standards[:] = 1
    state.employees.engagement[::3] = Engagement.CONTRIBUTOR
    for _ in range(10):
        exchange_step(state, params, rng)
        assert set(np.unique(state.employees.beliefs)) <= {-1, 0, 1}
        assert state.employees.beliefs.dtype == np.int8


def test_copying_the_best_contact_takes_their_whole_practice_at_once(rng):
    params = small_params(knowledge__peer_learning_rate=1.0, knowledge__peer_choice="best",
                          knowledge__belief_update="jump", knowledge__initial_beliefs="definite",
                          culture__psychological_safety=1.0, culture__competitiveness=0.0)
    n = params.org.employees
    state = make_state(params, ties=ring(n, 4))
    before = state.employees.beliefs.copy()
    exchange_step(state, params, rng)
    score, after = state.week.score, state.employees.beliefs
    for i in range(n):
        contacts = [(i + o) % n for o in (-2, -1, 1, 2)]
        best = max(contacts, key=lambda j: (score[j], -j))
        if score[best] > score[i]:
            assert state.week.saw_better[i] and np.array_equal(after[i], before[best])
        else:
            assert not state.week.saw_better[i] and np.array_equal(after[i], before[i])


def test_fast_learners_move_toward_the_code_faster(rng):
    params = small_params(knowledge__socialisation_rate=0.1,
                          knowledge__fast_socialisation_rate=0.9,
                          knowledge__fast_learner_share=0.5)
    state = make_state(params)
    with_code_community(state, params)
    before = state.employees.beliefs.copy()
    exchange_step(state, params, rng)
    moved = (state.employees.beliefs != before).sum(axis=1) / (before != 1).sum(axis=1)
    fast = state.employees.fast_learner
    assert fast.sum() == params.org.employees // 2
    assert abs(moved[fast].mean() - 0.9) < 0.05 and abs(moved[~fast].mean() - 0.1) < 0.05
