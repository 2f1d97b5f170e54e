import numpy as np
import scipy.sparse as sp

from sim.engine.mechanisms import communities
from sim.engine.mechanisms.participation import (
    dormant_exits,
    joining_hazard,
    participation_step,
)
from sim.engine.state import ORG_WIDE, Engagement, Status
from tests.conftest import make_state, ring, small_params

NO_CHURN = {"participation__dropout_rate": 0.0, "participation__lapse_rate": 0.0,
            "participation__contribute_rate": 0.0, "participation__awareness_rate": 0.0,
            "participation__word_of_mouth": 0.0}


def open_network(state, params):
    k = communities.launch(state, params, official=True, scope=ORG_WIDE, energy=1.0)
    return k


def test_linear_contagion_without_imitation_follows_the_bass_innovation_curve(rng):
    """With q = 0 the Bass (1969) hazard is p: F(t) = 1 - (1 - p)^t in discrete weeks."""
    p = 0.05
    params = small_params(org__employees=4000, participation__contagion="linear",
                          participation__spontaneous_join_rate=p,
                          participation__imitation_rate=0.0, **NO_CHURN)
    state = make_state(params)
    open_network(state, params)
    state.employees.engagement[:] = Engagement.AWARE
    for week in range(1, 11):
        state.step = week
        participation_step(state, params, rng)
    expected = 1 - (1 - p) ** 10
    assert abs(state.employees.participating.mean() - expected) < 0.03


def test_linear_hazard_grows_with_participating_ties():
    params = small_params(participation__contagion="linear",
                          participation__spontaneous_join_rate=0.01,
                          participation__imitation_rate=0.5)
    n = 40
    state = make_state(params.replace({"org.employees": n}), ties=ring(n, 4))
    state.employees.engagement[:] = Engagement.AWARE
    state.employees.engagement[[1, 2]] = Engagement.LURKER
    state.communities.memberships.add(np.array([1, 2]), 0)  # members by choice
    hazard = joining_hazard(state, params)
    assert np.isclose(hazard[0], 0.01 + 0.5 * 2 / 4)   # ties 1, 2 of {38, 39, 1, 2}
    assert np.isclose(hazard[3], 0.01 + 0.5 * 2 / 4)   # ties 1, 2 of {1, 2, 4, 5}
    assert np.isclose(hazard[20], 0.01)
    state.communities.memberships.remove_people(np.array([1, 2]))
    state.communities.memberships.add(np.array([1, 2]), 0, enrolled=True)  # only enrolled:
    # a box ticked persuades nobody
    assert np.isclose(joining_hazard(state, params)[0], 0.01)
    state.employees.engagement[2] = Engagement.CONTRIBUTOR  # contributing does, enrolled or not
    assert np.isclose(joining_hazard(state, params)[0], 0.01 + 0.5 * 1 / 4)


def test_count_thresholds_need_reinforcement_on_a_clustered_ring(rng):
    """Complex contagion (Centola & Macy 2007): with a threshold of two ties, one seed on a
    ring lattice cannot spread, two adjacent seeds spread along the ring."""
    n = 60
    params = small_params(org__employees=n, participation__contagion="threshold",
                          participation__threshold_type="count",
                          participation__threshold_mean=2.0, participation__threshold_sd=0.0,
                          participation__join_rate=1.0, participation__spontaneous_join_rate=0.0,
                          **NO_CHURN)
    outcomes = []
    for seeds in ([0], [0, 1]):
        state = make_state(params, ties=ring(n, 4))
        k = open_network(state, params)
        state.employees.engagement[:] = Engagement.AWARE
        communities.enrol(state, params, np.array(seeds), k)
        for week in range(1, 40):
            state.step = week
            participation_step(state, params, rng)
        outcomes.append(state.employees.participating.sum())
    assert outcomes[0] == 1
    assert outcomes[1] == n


def test_unreachable_thresholds_stop_imitation(rng):
    params = small_params(participation__contagion="threshold",
                          participation__threshold_type="fraction",
                          participation__threshold_mean=1.0, participation__threshold_sd=0.0,
                          participation__join_rate=1.0, participation__spontaneous_join_rate=0.0,
                          **NO_CHURN)
    state = make_state(params)
    k = open_network(state, params)
    state.employees.engagement[:] = Engagement.AWARE
    communities.enrol(state, params, np.arange(0, 200, 50), k)
    for week in range(1, 20):
        state.step = week
        participation_step(state, params, rng)
    # Only people *all* of whose ties participate could join; with 4 scattered seeds, nobody.
    assert state.employees.participating.sum() == 4


def test_joiners_only_join_communities_open_to_them(rng):
    params = small_params(participation__contagion="linear",
                          participation__spontaneous_join_rate=1.0, **NO_CHURN)
    state = make_state(params)
    pilot = communities.launch(state, params, official=True, scope=2, energy=1.0)
    state.employees.engagement[:] = Engagement.AWARE
    state.step = 1
    participation_step(state, params, rng)
    members = np.flatnonzero(state.communities.members[:, pilot])
    assert members.size > 0
    assert (state.employees.division[members] == 2).all()
    assert not state.employees.participating[state.employees.division != 2].any()


def test_compulsory_enrolment_raises_membership_and_lowers_motivation(rng):
    params = small_params()
    voluntary, compulsory = make_state(params), make_state(params)
    for state, forced in ((voluntary, False), (compulsory, True)):
        k = communities.launch(state, params, official=True, compulsory=forced)
        everyone = np.arange(state.employees.n)
        accept = everyone[rng.random(everyone.size) < 0.3]
        communities.enrol(state, params, everyone if forced else accept, k, compulsory=forced)
    assert compulsory.employees.participating.mean() == 1.0
    assert voluntary.employees.participating.mean() < 0.5
    penalty = params.participation.compulsion_penalty
    assert np.allclose(compulsory.employees.motivation,
                       voluntary.employees.motivation * (1 - penalty))


def test_compulsory_members_do_not_drop_out_but_volunteers_do(rng):
    params = small_params(participation__dropout_rate=1.0, participation__contribute_rate=0.0)
    state = make_state(params)
    k = communities.launch(state, params, official=True, energy=1.0)
    communities.enrol(state, params, np.arange(0, 100), k, compulsory=True)
    communities.enrol(state, params, np.arange(100, 200), k, compulsory=False)
    state.employees.motivation[:] = 0.0
    state.step = 1
    participation_step(state, params, rng)
    assert state.employees.participating[:100].all()
    assert not state.employees.participating[100:].any()
    assert (state.employees.engagement[100:] == Engagement.AWARE).all()


def test_contributing_needs_safety_and_a_non_competitive_culture(rng):
    def contributors(**culture):
        params = small_params(**{**NO_CHURN, "participation__contribute_rate": 1.0,
                                 "community__loafing_size": 1_000_000}, **culture)
        state = make_state(params, ties=sp.csr_array((200, 200)))
        k = communities.launch(state, params, official=True, energy=1.0)
        communities.enrol(state, params, np.arange(200), k)
        state.employees.motivation[:] = 1.0
        state.step = 1
        participation_step(state, params, np.random.default_rng(3))
        return (state.employees.engagement >= Engagement.CONTRIBUTOR).sum()

    assert contributors(culture__psychological_safety=0.0) == 0
    assert contributors(culture__competitiveness=1.0) == 0
    assert contributors(culture__psychological_safety=1.0, culture__competitiveness=0.0) > 150


def test_fatigue_builds_with_meetings_and_wears_off(rng):
    params = small_params(**NO_CHURN)
    state = make_state(params)
    k = communities.launch(state, params, official=True, energy=1.0, cadence=1)
    communities.enrol(state, params, np.arange(200), k)
    for week in range(1, 6):
        state.step = week
        participation_step(state, params, rng)
    tired = state.employees.fatigue.mean()
    assert tired > 0.2
    state.communities.memberships.remove_people(np.arange(state.employees.n))
    state.step = 6
    participation_step(state, params, rng)
    assert state.employees.fatigue.mean() < tired


def test_members_of_large_communities_contribute_less(rng):
    """Social loafing (Karau & Williams 1993): the chance to start contributing falls with size."""
    params = small_params(**{**NO_CHURN, "participation__contribute_rate": 1.0,
                             "community__loafing_size": 20}, culture__psychological_safety=1.0,
                          culture__competitiveness=0.0)
    state = make_state(params, ties=sp.csr_array((200, 200)))
    small = communities.launch(state, params, official=True, energy=1.0)
    large = communities.launch(state, params, official=True, energy=1.0)
    communities.enrol(state, params, np.arange(0, 20), small)
    communities.enrol(state, params, np.arange(20, 200), large)
    state.employees.motivation[:] = 1.0
    state.step = 1
    participation_step(state, params, rng)
    contributing = state.employees.engagement >= Engagement.CONTRIBUTOR
    # Expected 1 / (1 + 20/20) = 0.5 in the small one, 1 / (1 + 180/20) = 0.1 in the large one.
    assert abs(contributing[:20].mean() - 0.5) < 0.25
    assert abs(contributing[20:].mean() - 0.1) < 0.06


def test_joining_another_community_is_a_choice_even_for_the_enrolled(rng):
    """An enrolled member who joins a second community on their own takes part by choice."""
    params = small_params(participation__spontaneous_join_rate=1.0, **NO_CHURN)
    state = make_state(params)
    forced = communities.launch(state, params, official=True, compulsory=True, energy=1.0)
    communities.enrol(state, params, np.arange(state.employees.n), forced, compulsory=True)
    open_network(state, params)
    state.step = 1
    participation_step(state, params, rng)
    c = state.communities
    assert c.enrolled[:, forced].all()  # still enrolled where they were enrolled
    joined = c.members.sum(axis=1) == 2
    assert joined.mean() > 0.9
    assert np.array_equal(c.chosen.any(axis=1), joined)


def test_leaving_a_dormant_community_clears_the_enrolment(rng):
    params = small_params(community__dormant_exit_rate=1.0, **NO_CHURN)
    state = make_state(params)
    k = communities.launch(state, params, official=True, compulsory=True)
    communities.enrol(state, params, np.arange(20), k, compulsory=True)
    state.communities.status[k] = Status.DORMANT
    state.step = 1
    participation_step(state, params, rng)
    assert not state.communities.members[:, k].any()
    assert not state.communities.enrolled[:, k].any()


def test_who_leaves_a_dormant_community_does_not_depend_on_the_other_communities():
    # Common random numbers: a member's draw for a community is keyed by the two alone, so
    # whether another community is dormant too changes nothing for this one.
    params = small_params(community__dormant_exit_rate=0.5, **NO_CHURN)
    state = make_state(params)
    first = communities.launch(state, params, official=True)
    second = communities.launch(state, params, official=True)
    communities.enrol(state, params, np.arange(0, 120), first)
    communities.enrol(state, params, np.arange(60, 200), second)
    slots = state.communities.memberships.slots
    c = state.communities
    assert dormant_exits(state, params, key=99) is None  # nothing dormant: nothing drawn
    c.status[first] = Status.DORMANT
    alone = dormant_exits(state, params, key=99)
    c.status[second] = Status.DORMANT
    both = dormant_exits(state, params, key=99)
    leaves_first = (alone & (slots == first)).any(axis=1)
    assert np.array_equal(leaves_first, (both & (slots == first)).any(axis=1))
    assert 0.35 < leaves_first[:120].mean() < 0.65 and not leaves_first[120:].any()
    leaves_second = (both & (slots == second)).any(axis=1)
    assert 0.35 < leaves_second[60:].mean() < 0.65 and not (alone & (slots == second)).any()
    assert not np.array_equal(dormant_exits(state, params, key=100), both)
