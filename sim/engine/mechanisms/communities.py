"""Communities: launching, enrolment, meeting schedule, energy and dormancy.

A community's *energy* (momentum) grows with the contributions made at its meetings and decays
without them; a facilitator adds a little to official communities. A community meets every
``cadence`` weeks once it has enough members; one whose energy stays below the dormancy
threshold for ``dormancy_weeks`` in a row goes dormant and stops meeting (Wenger, McDermott &
Snyder 2002, ch. 4: communities' life cycle; Lancaster 2024: cadence).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.engine.state import BY_TIES, ORG_WIDE, Engagement, State, Status

if TYPE_CHECKING:
    from sim.engine.params import Params

__all__ = [
    "enrol",
    "launch",
    "leave",
    "open_to",
    "refresh_status",
    "schedule_meetings",
    "update_energy",
]


class CapacityError(RuntimeError):
    """Raised when more communities are launched than ``community.max_communities`` allows."""


def launch(
    state: State, params: Params, *, official: bool, scope: int = ORG_WIDE,
    energy: float = 0.0, cadence: int | None = None, compulsory: bool = False,
) -> int:
    """Open a new community in the first free slot and return its index.

    Args:
        state: Run state.
        params: Model parameters.
        official: Whether the organisation backs it (facilitated, announced).
        scope: Division it is open to, ``ORG_WIDE`` for everyone, or ``BY_TIES`` for an
            unofficial group that people find through their ties.
        energy: Starting energy.
        cadence: Weeks between meetings; the scenario's default when ``None``.
        compulsory: Whether people in scope are enrolled rather than invited.

    Raises:
        CapacityError: If every slot is taken.
    """
    c = state.communities
    free = np.flatnonzero(~c.used)
    if free.size == 0:
        raise CapacityError(
            f"more than community.max_communities = {c.capacity} communities; raise it")
    k = int(free[0])
    if cadence is None:
        cp = params.community
        cadence = cp.cadence if official else cp.unofficial_cadence
    c.used[k], c.official[k], c.compulsory[k] = True, official, compulsory
    c.scope[k], c.cadence[k], c.created[k] = scope, cadence, state.step
    c.energy[k], c.status[k], c.low_weeks[k] = energy, Status.FORMING, 0
    c.hours[k] = 0.0
    c.code[k] = 0
    c.memberships.remove_community(k)
    return k


def enrol(state: State, params: Params, people: np.ndarray, community: int,
          compulsory: bool = False) -> np.ndarray:
    """Make people members of a community (lurkers if they were not participating yet).

    Voluntary enrolment (an accepted invitation, a founder, an unofficial group's members)
    respects each person's membership cap and is a membership by choice; compulsory enrolment
    does not respect the cap, and its memberships are marked ``Communities.enrolled``.

    Args:
        state: Run state.
        params: Model parameters.
        people: Employee indices.
        community: Community index.
        compulsory: Enrolment is compulsory: those newly enrolled lose
            ``participation.compulsion_penalty`` of their motivation and cannot drop out.

    Returns:
        The indices of the people newly enrolled.
    """
    e, memberships = state.employees, state.communities.memberships
    people = np.unique(np.asarray(people, dtype=np.int64))
    room = compulsory | (memberships.count[people] < e.max_memberships[people])
    new = people[room & ~memberships.contains(people, community)]
    memberships.add(new, community, enrolled=compulsory)
    e.engagement[new] = np.maximum(e.engagement[new], Engagement.LURKER)
    if compulsory:
        e.motivation[new] *= 1.0 - params.participation.compulsion_penalty
        e.compulsory[new] = True
    return new


def leave(state: State, people: np.ndarray) -> None:
    """Remove people from all their communities; participants step back to aware."""
    e = state.employees
    state.communities.memberships.remove_people(people)
    e.engagement[people] = np.minimum(e.engagement[people], Engagement.AWARE)
    e.compulsory[people] = False


def refresh_status(state: State, params: Params) -> None:
    """Move live communities between forming and active according to their size."""
    c = state.communities
    big_enough = c.size >= params.community.min_members
    not_dormant = c.used & (c.status != Status.DORMANT)
    c.status[not_dormant & big_enough] = Status.ACTIVE
    c.status[not_dormant & ~big_enough] = Status.FORMING


def schedule_meetings(state: State) -> np.ndarray:
    """Communities that meet this week: active ones whose cadence falls due."""
    c = state.communities
    due = (state.step - c.created) % c.cadence == 0
    return c.used & (c.status == Status.ACTIVE) & due


def update_energy(state: State, params: Params) -> None:
    """Update energy from this week's contributions, decay and facilitation; set dormancy.

    ``E <- clip(E (1 - decay) + gain * contributions / members + facilitation, 0, 1)``, where
    contributions count contributors once and champions twice, and ``facilitation =
    facilitation_energy * min(1, hours / (members * hours_per_member))`` for communities that
    are not dormant. Both contributions and facilitator hours are divided by the number of
    members, so a large community of lurkers gains little energy: energy spread thin.
    """
    c, cp = state.communities, params.community
    members = c.size
    size = np.maximum(members, 1)
    coverage = np.minimum(1.0, c.hours / (size * cp.hours_per_member))
    facilitated = c.used & (c.status != Status.DORMANT)
    energy = (c.energy * (1.0 - cp.energy_decay)
              + cp.energy_gain * state.week.contributions / size
              + cp.facilitation_energy * coverage * facilitated)
    c.energy[:] = np.where(c.used, np.clip(energy, 0.0, 1.0), 0.0)
    low = c.used & (c.energy < cp.dormancy_threshold)
    c.low_weeks[:] = np.where(low, c.low_weeks + 1, 0)
    c.status[c.used & (c.low_weeks >= cp.dormancy_weeks)] = Status.DORMANT
    # A dormant community comes back only if something (a strategy) lifts its energy.
    revived = c.used & (c.status == Status.DORMANT) & (c.energy >= 2 * cp.dormancy_threshold)
    c.status[revived] = Status.FORMING
    # A dormant community that everyone has left is closed; its slot can be reused.
    closed = c.used & (c.status == Status.DORMANT) & (members == 0)
    c.used[closed] = False


def open_to(state: State, people: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Which of the communities ``cols`` each of ``people`` may join on their own.

    Returns a ``(len(people), len(cols))`` boolean array.
    Official communities are open to everyone in their scope (a division or the whole
    organisation); unofficial groups (scope ``BY_TIES``) are open to those with a tie to a member,
    which the caller checks through exposure. Dormant communities are closed.
    """
    c = state.communities
    scope = c.scope[cols][None, :]
    division = state.employees.division[people, None]
    return ((scope == ORG_WIDE) | (scope == division) | (scope == BY_TIES)) & c.live[cols][None, :]
