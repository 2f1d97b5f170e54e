import numpy as np
import pytest

from sim.engine.mechanisms import communities
from sim.engine.state import ORG_WIDE, Status
from tests.conftest import make_state, small_params


def test_energy_grows_with_contributions_and_decays_without():
    params = small_params(community__facilitation_energy=0.0)
    state = make_state(params)
    a = communities.launch(state, params, official=False, energy=0.5)
    b = communities.launch(state, params, official=False, energy=0.5)
    communities.enrol(state, params, np.arange(0, 10), a)
    communities.enrol(state, params, np.arange(10, 20), b)
    state.week.contributions[a] = 5.0
    communities.update_energy(state, params)
    cp = params.community
    assert state.communities.energy[a] == pytest.approx(min(1, 0.5 * (1 - cp.energy_decay)
                                                            + cp.energy_gain * 5 / 10))
    assert state.communities.energy[b] == pytest.approx(0.5 * (1 - cp.energy_decay))


def test_energy_is_spread_thin_in_large_communities():
    params = small_params(community__facilitation_energy=0.0)
    state = make_state(params)
    small = communities.launch(state, params, official=False)
    large = communities.launch(state, params, official=False)
    communities.enrol(state, params, np.arange(0, 10), small)
    communities.enrol(state, params, np.arange(10, 200), large)
    state.week.contributions[[small, large]] = 3.0
    communities.update_energy(state, params)
    assert state.communities.energy[small] > 10 * state.communities.energy[large]


def test_facilitation_energy_follows_hours_per_member():
    params = small_params()
    cp = params.community
    state = make_state(params)
    full, half, none_, big = (communities.launch(state, params, official=True) for _ in range(4))
    for k, people in ((full, range(0, 10)), (half, range(10, 20)), (none_, range(20, 30)),
                      (big, range(30, 130))):
        communities.enrol(state, params, np.array(list(people)), k)
    state.communities.hours[[full, half, big]] = [10 * cp.hours_per_member,
                                                  5 * cp.hours_per_member,
                                                  10 * cp.hours_per_member]
    communities.update_energy(state, params)
    energy = state.communities.energy
    assert energy[full] == pytest.approx(cp.facilitation_energy)
    assert energy[half] == pytest.approx(cp.facilitation_energy / 2)
    assert energy[none_] == 0.0
    # The same hours spread over ten times the members: a tenth of the energy.
    assert energy[big] == pytest.approx(cp.facilitation_energy / 10)


def test_low_energy_makes_a_community_dormant_and_dormant_ones_do_not_meet():
    params = small_params(community__facilitation_energy=0.0, community__dormancy_weeks=4)
    state = make_state(params)
    k = communities.launch(state, params, official=True, scope=ORG_WIDE, cadence=1)
    communities.enrol(state, params, np.arange(20), k)
    communities.refresh_status(state, params)
    assert state.communities.status[k] == Status.ACTIVE
    assert communities.schedule_meetings(state)[k]
    for _ in range(3):
        communities.update_energy(state, params)
    assert state.communities.status[k] == Status.ACTIVE
    communities.update_energy(state, params)
    assert state.communities.status[k] == Status.DORMANT
    communities.refresh_status(state, params)
    assert state.communities.status[k] == Status.DORMANT
    assert not communities.schedule_meetings(state)[k]
    assert not communities.open_to(state, np.arange(state.employees.n), np.array([k])).any()


def test_communities_need_enough_members_and_meet_at_their_cadence():
    params = small_params(community__min_members=5)
    state = make_state(params)
    k = communities.launch(state, params, official=True, cadence=3)
    communities.enrol(state, params, np.arange(4), k)
    communities.refresh_status(state, params)
    assert state.communities.status[k] == Status.FORMING
    communities.enrol(state, params, np.arange(5), k)
    communities.refresh_status(state, params)
    meets = []
    for week in range(0, 7):
        state.step = week
        meets.append(bool(communities.schedule_meetings(state)[k]))
    assert meets == [True, False, False, True, False, False, True]


def test_membership_cap_is_respected():
    params = small_params(participation__max_memberships=1)
    state = make_state(params)
    a = communities.launch(state, params, official=True)
    b = communities.launch(state, params, official=True)
    ordinary = np.flatnonzero(~state.employees.is_spanner)[:10]
    communities.enrol(state, params, ordinary, a)
    communities.enrol(state, params, ordinary, b)
    assert state.communities.members[ordinary, a].all()
    assert not state.communities.members[ordinary, b].any()


def test_launching_beyond_capacity_fails_clearly():
    params = small_params(community__max_communities=2)
    state = make_state(params)
    communities.launch(state, params, official=True)
    communities.launch(state, params, official=True)
    with pytest.raises(communities.CapacityError, match="max_communities"):
        communities.launch(state, params, official=True)


def test_compulsory_enrolment_ignores_the_membership_cap_and_voluntary_respects_it():
    params = small_params(participation__max_memberships=1)
    state = make_state(params)
    first = communities.launch(state, params, official=False)
    second = communities.launch(state, params, official=True, compulsory=True)
    third = communities.launch(state, params, official=True)
    ordinary = np.flatnonzero(~state.employees.is_spanner)[:10]
    communities.enrol(state, params, ordinary, first)
    assert communities.enrol(state, params, ordinary, third).size == 0
    enrolled = communities.enrol(state, params, ordinary, second, compulsory=True)
    assert sorted(enrolled.tolist()) == sorted(ordinary.tolist())


def test_an_empty_dormant_community_is_closed_and_its_slot_reused():
    params = small_params(community__facilitation_energy=0.0, community__dormancy_weeks=1,
                          community__max_communities=1)
    state = make_state(params)
    k = communities.launch(state, params, official=False, energy=0.0)
    communities.enrol(state, params, np.arange(5), k)
    communities.update_energy(state, params)
    assert state.communities.status[k] == Status.DORMANT and state.communities.used[k]
    communities.leave(state, np.arange(5))
    communities.update_energy(state, params)
    assert not state.communities.used[k]
    again = communities.launch(state, params, official=True, energy=0.5)
    assert again == k and state.communities.status[k] == Status.FORMING
    assert not state.communities.code[k].any() and not state.communities.members[:, k].any()


def test_compulsory_enrolment_is_marked_and_leaving_clears_the_mark():
    params = small_params()
    state = make_state(params)
    c = state.communities
    forced = communities.launch(state, params, official=True, compulsory=True)
    chosen = communities.launch(state, params, official=True)
    communities.enrol(state, params, np.arange(10), forced, compulsory=True)
    communities.enrol(state, params, np.arange(5, 15), chosen)
    assert c.enrolled[:10, forced].all() and not c.enrolled[:, chosen].any()
    assert np.array_equal(np.flatnonzero(c.chosen.any(axis=1)), np.arange(5, 15))
    # Enrolling someone who is already a member by choice keeps it their choice.
    communities.enrol(state, params, np.arange(5, 15), chosen, compulsory=True)
    assert not c.enrolled[:, chosen].any()
    communities.leave(state, np.arange(3))
    assert not c.enrolled[:3].any() and c.enrolled[3:10, forced].all()


def test_a_relaunched_slot_forgets_its_enrolments():
    params = small_params(community__max_communities=1)
    state = make_state(params)
    k = communities.launch(state, params, official=True, compulsory=True)
    communities.enrol(state, params, np.arange(10), k, compulsory=True)
    state.communities.used[k] = False  # closed
    again = communities.launch(state, params, official=True)
    assert again == k and not state.communities.enrolled[:, k].any()
