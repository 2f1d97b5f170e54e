"""Participation: awareness, joining (contagion), the engagement ladder, fatigue and drop-out.

The engagement ladder is unaware -> aware -> lurker -> contributor -> champion (legitimate
peripheral participation, Lave & Wenger 1991; the 90-9-1 pattern, Nielsen 2006).

* **Awareness** comes from the organisation's communications while an official network exists,
  and by word of mouth from engaged colleagues.
* **Joining** spreads as *simple* contagion, a Bass (1969) hazard ``p + q s`` in the
  trust-weighted share ``s`` of one's ties who are *engaged* — members by choice, or
  contributors: a colleague only enrolled compulsorily sends no signal (:func:`engaged`) —
  or as *complex* contagion, where one
  joins (with chance ``join_rate``) once that share (Watts 2002) or that number of ties
  (Centola & Macy 2007) reaches a personal threshold; the spontaneous rate ``p`` applies in both
  forms. A joiner picks one of the communities open to them with probability proportional to
  its *exposure* (the summed trust of their ties to its members) plus ``official_pull`` for an
  open official community. A join is a membership by choice (``Communities.enrolled`` is not
  set), also when the community is compulsory.
* **Climbing** from lurker to contributor needs motivation, psychological safety (Edmondson 1999),
  a non-competitive culture and an energetic community, and is less likely in a large one
  (social loafing, Karau & Williams 1993); champions need recognition.
* **Fatigue** builds with each meeting attended and wears off; unmotivated or tired people lapse
  a rung or drop out. People enrolled compulsorily cannot drop out, but start less motivated.

Order within the phase: every decision (awareness, joining, climbing, lapsing, dropping out,
leaving dormant communities) is drawn from the state at the start of the phase and applied at
once; then the week's meetings take place with the members still there (newcomers attend from
the next week); their contributions and fatigue, and the communities' energy, follow from those
meetings. Recognition goes to everyone at contributor or above.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.engine.mechanisms import communities
from sim.engine.mechanisms.sampling import choose_per_row
from sim.engine.state import Engagement, State, Status

if TYPE_CHECKING:
    from sim.engine.params import Params

__all__ = ["dormant_exits", "engaged", "engaged_share", "joining_hazard",
           "participation_step"]

BASE_ATTRACTION = 0.01
"""Weight of a community, on top of its energy, when a member picks the one they turn to this
week, so that members also turn to (and meet with) a community that has no energy yet: official
communities start with none. It also sets how strongly energy draws: a community of energy 0.1
draws eleven times as often as one of energy 0."""

def engaged(state: State) -> np.ndarray:
    """Who sends the social signal, ``(n,)`` bool: members by choice, and contributors.

    A colleague who was only enrolled compulsorily ("a box to check") is a member, but their
    membership tells nobody that the network is worth joining; one who took part by choice, or
    who contributes even though enrolled, does. Without compulsory enrolment this is everyone
    who participates.
    """
    e, c = state.employees, state.communities
    return c.memberships.chosen_any() | (e.engagement >= Engagement.CONTRIBUTOR)


def engaged_share(state: State, with_count: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Trust-weighted share and number of each employee's ties who are :func:`engaged`.

    Args:
        state: Run state.
        with_count: Count the engaged ties too (only threshold contagion reads the count).

    Returns:
        ``(share, count)``, both ``(n,)`` (``count`` is ``None`` without ``with_count``); the
        share is 0 for people without ties.
    """
    signal = engaged(state).astype(float)
    weighted = state.ties @ signal
    share = np.divide(weighted, state.tie_strength, out=np.zeros_like(weighted),
                      where=state.tie_strength > 0)
    return share, state.adjacency @ signal if with_count else None


def joining_hazard(state: State, params: Params,
                   signal: tuple[np.ndarray, np.ndarray | None] | None = None) -> np.ndarray:
    """Weekly chance that each employee joins a community, from the contagion rule.

    Linear (simple contagion, Bass 1969): ``p + q s``. Threshold (complex contagion): ``p`` plus
    ``join_rate`` once ``s`` (Watts 2002) or the number of engaged ties (Centola & Macy 2007)
    reaches the employee's threshold; nobody is pushed over a threshold by zero ties.

    Args:
        state: The state at the start of the participation phase.
        params: The run's parameters.
        signal: :func:`engaged_share` of ``state``, if already computed this step.
    """
    pp = params.participation
    share, count = signal if signal is not None else engaged_share(state)
    if pp.contagion == "linear":
        return np.clip(pp.spontaneous_join_rate + pp.imitation_rate * share, 0.0, 1.0)
    level = share if pp.threshold_type == "fraction" else count
    # Without a count (see _needs_count), a positive share tells that there is an engaged tie.
    any_engaged = share > 0 if count is None else count > 0
    over = (level >= state.employees.threshold) & any_engaged
    return np.clip(pp.spontaneous_join_rate + pp.join_rate * over, 0.0, 1.0)


def _needs_count(state: State, params: Params) -> bool:
    """Whether :func:`joining_hazard` needs the number of engaged ties, not only their share.

    Linear contagion reads the share alone; a threshold on the share reads the count only to
    know whether it is positive, which the share tells when every tie has a positive weight.
    """
    pp = params.participation
    if pp.contagion == "linear":
        return False
    return pp.threshold_type != "fraction" or state.tie_sampler.lightest <= 0


def _slots(pick: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Map column picks among ``cols`` back to community slots; -1 stays -1."""
    slots = np.full(pick.shape, -1, np.int32)
    chosen = pick >= 0
    slots[chosen] = cols[pick[chosen]]
    return slots


def choose_attendance(state: State, params: Params, rng: np.random.Generator) -> None:
    """Pick the community each participant turns to this week, and whether they meet with it.

    The chance of turning to one of one's communities is proportional to its energy plus
    :data:`BASE_ATTRACTION`. A member whose community meets attends with chance
    ``1 - w (1 - motivation (1 - fatigue))``, ``w`` being ``participation.attendance_motivation``.
    Sets ``week.primary`` and ``week.attending`` (the primary community if it meets this week and
    they attend, else -1). Draws two uniform numbers per employee.
    """
    c, e, week = state.communities, state.employees, state.week
    memberships = c.memberships
    u_attend, u_pick = rng.random((2, e.n))
    week.primary = np.full(e.n, -1, np.int32)
    rows = np.flatnonzero(memberships.count > 0)
    if rows.size:
        slots = memberships.slots[rows]
        table = np.append(c.energy + BASE_ATTRACTION, 0.0)  # an empty slot weighs nothing
        pick = choose_per_row(table[slots], u_pick[rows])
        week.primary[rows] = np.where(
            pick >= 0, slots[np.arange(rows.size), np.maximum(pick, 0)], -1)
    has = week.primary >= 0
    willing = 1.0 - params.participation.attendance_motivation * (
        1.0 - e.motivation * (1.0 - e.fatigue))
    attends = has & week.meets[np.maximum(week.primary, 0)] & (u_attend < willing)
    week.attending = np.where(attends, week.primary, -1).astype(np.int32)


def exposure_of(state: State, people: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Summed trust of each of ``people``'s ties to the members of each community in ``cols``.

    Returns:
        ``(len(people), len(cols))`` float64; the same sums, added in the same order, as the
        rows of ``ties @ members[:, cols]``.
    """
    memberships = state.communities.memberships
    ties = state.ties
    starts, ends = ties.indptr[people], ties.indptr[people + 1]
    lengths = (ends - starts).astype(np.int64)
    if lengths.sum() == 0 or cols.size == 0:
        return np.zeros((people.size, cols.size))
    entry = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    entry += np.arange(lengths.sum())
    row = np.repeat(np.arange(people.size), lengths)
    held = memberships.slots[ties.indices[entry]]  # (ties, width)
    column = np.full(memberships.capacity + 1, -1, np.int64)
    column[cols] = np.arange(cols.size)
    position = column[held]
    valid = position >= 0
    flat = (row[:, None] * cols.size + position)[valid]
    weight = np.broadcast_to(ties.data[entry][:, None], held.shape)[valid]
    return np.bincount(flat, weights=weight,
                       minlength=people.size * cols.size).reshape(people.size, cols.size)


def choose_targets(state: State, params: Params, people: np.ndarray,
                   u: np.ndarray) -> np.ndarray:
    """The community each of ``people`` joins, or -1 where none is open and findable to them.

    A joiner picks among the live communities open to them that they do not belong to, with
    probability proportional to their exposure (:func:`exposure_of`) plus
    ``participation.official_pull`` for an open official community; an unofficial group is
    findable only through a tie to a member.

    Args:
        state: Run state.
        params: Model parameters.
        people: The joiners.
        u: One uniform number per joiner.
    """
    c = state.communities
    cols = np.flatnonzero(c.used)
    if people.size == 0 or cols.size == 0:
        return np.full(people.size, -1, np.int32)
    mine = (c.memberships.slots[people][:, :, None] == cols[None, None, :]).any(axis=1)
    exposure = exposure_of(state, people, cols)
    open_to = communities.open_to(state, people, cols) & ~mine
    official_open = open_to & c.official[cols][None, :]
    findable = open_to & ((exposure > 0) | official_open)
    weights = np.where(findable, exposure + params.participation.official_pull * official_open,
                       0.0)
    return _slots(choose_per_row(weights, u), cols)


def dormant_exits(state: State, params: Params, key: int) -> np.ndarray | None:
    """Who leaves a dormant community this week.

    Each member of a dormant community leaves it with chance ``community.dormant_exit_rate``.

    The uniform number of person ``i`` in community ``c`` is entry ``i`` of a stream seeded by
    ``(key, c)``, drawn only for dormant communities with members: it depends on the person and
    the community alone, so strategies that differ in which communities are dormant still share
    their random numbers, and nothing is drawn in the weeks no community is dormant.

    Returns:
        ``(n, width)`` bool mask of the memberships (aligned with ``Memberships.slots``) that
        end, or ``None`` when no community is dormant with members.
    """
    c = state.communities
    memberships = c.memberships
    dormant = np.flatnonzero(c.used & (c.status == Status.DORMANT) & (memberships.size > 0))
    if dormant.size == 0:
        return None
    exits = np.zeros(memberships.slots.shape, bool)
    for community in dormant:
        u = np.random.default_rng([key, int(community)]).random(memberships.n)
        members = memberships.members_of(int(community))
        leaving = members[u[members] < params.community.dormant_exit_rate]
        exits[leaving] |= memberships.slots[leaving] == community
    return exits


CHAMPION_WEIGHT = 2.0
"""A champion's contribution to a meeting counts as this many contributors'."""


def hold_meetings(state: State) -> None:
    """Hold this week's meetings with the members still there; record their contributions.

    Clears ``week.primary`` and ``week.attending`` for people no longer members of the community
    they turned to, then counts contributions per community: contributors once, champions
    :data:`CHAMPION_WEIGHT` times.
    """
    e, c, week = state.employees, state.communities, state.week
    has = week.primary >= 0
    still = has & c.memberships.holds(week.primary)
    week.primary = np.where(still, week.primary, -1).astype(np.int32)
    week.attending = np.where(still, week.attending, -1).astype(np.int32)
    attending = week.attending >= 0
    weight = np.where(e.engagement == Engagement.CHAMPION, CHAMPION_WEIGHT,
                      (e.engagement == Engagement.CONTRIBUTOR).astype(float))
    week.contributions = np.bincount(week.attending[attending], weights=weight[attending],
                                     minlength=c.capacity)


def participation_step(state: State, params: Params, rng: np.random.Generator) -> None:
    """Phase 3 of a step: meetings, awareness, joining, climbing, fatigue, drop-out, energy.

    All decisions are computed from the state at the start of the phase and applied together.
    """
    e, c, week = state.employees, state.communities, state.week
    pp, culture = params.participation, params.culture
    n = e.n

    communities.refresh_status(state, params)
    week.meets = communities.schedule_meetings(state)
    choose_attendance(state, params, rng)

    # Draw every random number of the phase up front, in fixed shapes.
    u_aware, u_join, u_climb, u_lapse, u_drop = rng.random((5, n))
    exit_key = int(rng.integers(2**63))  # the leavers of dormant communities, see below
    u_target = rng.random(n)

    memberships = c.memberships
    engagement = e.engagement.copy()
    m_eff = e.motivation * (1.0 - e.fatigue)
    # Once a step: awareness and joining both read it.
    signal = engaged_share(state, with_count=_needs_count(state, params))
    share = signal[0]
    network_exists = bool((c.used & c.official & (c.status != Status.DORMANT)).any())

    # Awareness.
    p_aware = 1.0 - (1.0 - pp.awareness_rate * network_exists) * (1.0 - pp.word_of_mouth * share)
    becomes_aware = (engagement == Engagement.UNAWARE) & (u_aware < p_aware)

    # Joining: the hazard, then which community.
    may_join = (engagement >= Engagement.AWARE) & (memberships.count < e.max_memberships)
    joins = may_join & (u_join < joining_hazard(state, params, signal))
    target = np.full(n, -1, np.int32)
    candidates = np.flatnonzero(joins)
    target[candidates] = choose_targets(state, params, candidates, u_target[candidates])
    joins &= target >= 0

    # Climbing and lapsing, for participants.
    here = np.maximum(week.primary, 0)
    energy_here = np.where(week.primary >= 0, c.energy[here], 0.0)
    loafing = 1.0 / (1.0 + memberships.size[here] / params.community.loafing_size)
    climate = culture.psychological_safety * (1.0 - culture.competitiveness)
    p_contribute = pp.contribute_rate * m_eff * climate * (0.5 + 0.5 * energy_here) * loafing
    p_champion = pp.champion_rate * m_eff * culture.recognition
    p_lapse = pp.lapse_rate * (1.0 - m_eff)
    p_drop = pp.dropout_rate * (1.0 - m_eff)
    lurker = engagement == Engagement.LURKER
    contributor = engagement == Engagement.CONTRIBUTOR
    active = engagement >= Engagement.CONTRIBUTOR
    drops = (engagement >= Engagement.LURKER) & ~e.compulsory & (u_drop < p_drop)
    climbs = ~drops & ((lurker & (u_climb < p_contribute))
                       | (contributor & (u_climb < p_champion)))
    lapses = ~drops & ~climbs & active & (u_lapse < p_lapse)
    exits = dormant_exits(state, params, exit_key)  # None: nobody leaves a dormant community

    # Apply the decisions.
    e.engagement[becomes_aware] = Engagement.AWARE
    e.engagement[climbs] += 1
    e.engagement[lapses] -= 1
    if exits is not None:
        memberships.remove_slots(exits)  # before drops: the mask refers to the rows as they are
    communities.leave(state, np.flatnonzero(drops))
    joiners = np.flatnonzero(joins & ~drops)
    memberships.add(joiners, target[joiners], enrolled=False)  # by choice
    e.engagement[joiners] = np.maximum(e.engagement[joiners], Engagement.LURKER)
    orphaned = (e.engagement >= Engagement.LURKER) & (memberships.count == 0)
    communities.leave(state, np.flatnonzero(orphaned))
    e.compulsory = (memberships.in_any(c.compulsory) if c.compulsory.any()
                    else np.zeros(n, bool))
    hold_meetings(state)

    attending = week.attending >= 0
    recognised = e.engagement >= Engagement.CONTRIBUTOR
    e.motivation += recognised * pp.recognition_gain * culture.recognition * (1.0 - e.motivation)
    e.fatigue = np.clip(e.fatigue * (1.0 - pp.fatigue_recovery)
                        + pp.fatigue_per_meeting * attending, 0.0, 1.0)
    communities.update_energy(state, params)
