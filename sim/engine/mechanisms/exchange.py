"""Knowledge exchange: acting on beliefs, learning on work ties, at meetings and from codes.

Knowledge follows March (1991): reality is a vector of ``m`` practice dimensions in {-1, +1};
each employee holds beliefs in {-1, 0, +1}. Each week everyone *acts*: on a dimension where
their belief is 0 they guess (March's original program, documented by Chanda & Miller 2019), and
their score is ``sum(action * reality)``, right minus wrong (on an NK landscape, the landscape
score of their actions; :mod:`sim.engine.landscape`). Beliefs then move one step (-1 -> 0 -> +1)
toward a source, on each dimension independently (or jump to the source's value, see
``knowledge.belief_update``):

* **work ties** (interpersonal learning, Miller, Zhao & Calantone 2006): everyone looks at one
  colleague, picked in proportion to trust (or at the best scorer among all their ties,
  ``knowledge.peer_choice = "best"``, as in Lazer & Friedman 2007); if that colleague scored
  better, each differing dimension moves with chance
  ``peer_learning_rate * trust * safety * (1 - competitiveness)``;
* **meetings**: each attendee talks with one other attendee of the same meeting, picked at
  random; if that person contributes (contributor or champion) and scored better, each
  differing dimension moves with chance ``meeting_learning_rate * safety``. So the share of
  contributors at a meeting, not its size, sets how much people learn there;
* **codes** (socialisation, March 1991 p1): each participant moves toward the code (curated
  repository) of the community they turned to this week, with chance ``p1`` per dimension (their
  own: fast learners have ``fast_socialisation_rate``) if they attended its meeting and
  ``p1 * reading_socialisation`` in a week without a meeting (reading the repository);
* **standards**: everyone moves toward the organisation's standards with chance
  ``formal_learning_rate`` per dimension.

All proposals are computed from the beliefs at the start of the phase; on each dimension the
belief then moves one step (``belief_update = "step"``) or all the way (``"jump"``) in the
direction most proposals point to (no move on a tie), so beliefs stay in {-1, 0, +1}.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.engine.mechanisms.sampling import (
    best_neighbour,
    pick_in_groups,
    sample_neighbour,
    step_toward,
)
from sim.engine.state import Engagement, State

if TYPE_CHECKING:
    from sim.engine.params import Params

__all__ = ["act", "exchange_step"]


def act(beliefs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Actions of each row of beliefs: the belief, or a fair coin flip where it is 0.

    Args:
        beliefs: ``(rows, m)`` in {-1, 0, +1}.
        rng: Random stream for the guesses.

    Returns:
        ``(rows, m)`` int8 actions in {-1, +1}.
    """
    bits = np.unpackbits(np.frombuffer(rng.bytes(-(-beliefs.size // 8)), np.uint8))
    guess = (2 * bits[: beliefs.size].astype(np.int8) - 1).reshape(beliefs.shape)  # fair +-1
    return np.where(beliefs != 0, beliefs, guess).astype(np.int8)


def _learn_from(
    beliefs: np.ndarray, learners: np.ndarray, sources: np.ndarray, rate: np.ndarray,
    u: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Proposals for ``learners`` to move toward the beliefs of ``sources``.

    Returns:
        ``(directions, learned)``: ``(k, m)`` one-step directions and a ``(k,)`` mask of learners
        who moved on at least one dimension.
    """
    mine, theirs = beliefs[learners], beliefs[sources]
    moves = (theirs != 0) & (theirs != mine) & (u < rate[:, None])
    directions = step_toward(mine, theirs) * moves
    return directions, moves.any(axis=1)


def exchange_step(state: State, params: Params, rng: np.random.Generator) -> None:
    """Phase 4 of a step: act, then learn from work ties, meetings, codes and standards."""
    e, c, week, world = state.employees, state.communities, state.week, state.world
    kp, culture = params.knowledge, params.culture
    n, m = e.beliefs.shape
    beliefs = e.beliefs

    week.actions = act(beliefs, rng)
    week.score = world.score(week.actions)
    u_peer, u_meet, u_code, u_std = rng.random((4, n, m))
    u_pick = rng.random(n)
    push = np.zeros((n, m), np.int16)
    within = total = 0

    # Work ties.
    if kp.peer_choice == "best":
        partner, trust = best_neighbour(state.ties, week.score)
    else:
        partner, trust = sample_neighbour(state.ties, rng)
    week.saw_better = (partner >= 0) & (week.score[np.maximum(partner, 0)] > week.score)
    learners = np.flatnonzero(week.saw_better)
    sources = partner[learners]
    rate = (kp.peer_learning_rate * trust[learners] * culture.psychological_safety
            * (1.0 - culture.competitiveness))
    directions, learned = _learn_from(beliefs, learners, sources, rate, u_peer[learners])
    push[learners] += directions
    within += int((e.division[learners] == e.division[sources])[learned].sum())
    total += int(learned.sum())

    # Meetings: each attendee talks with one other attendee; only contributors share.
    attendees = np.flatnonzero(week.attending >= 0)
    group = week.attending[attendees]
    met = pick_in_groups(group, group, attendees, attendees, c.capacity, u_pick[attendees])
    partner = np.maximum(met, 0)
    ok = ((met >= 0) & (e.engagement[partner] >= Engagement.CONTRIBUTOR)
          & (week.score[partner] > week.score[attendees]))
    learners, sources = attendees[ok], met[ok]
    rate = np.full(learners.size, kp.meeting_learning_rate * culture.psychological_safety)
    directions, learned = _learn_from(beliefs, learners, sources, rate, u_meet[learners])
    push[learners] += directions
    within += int((e.division[learners] == e.division[sources])[learned].sum())
    total += int(learned.sum())

    # Socialisation from the code of the community each participant turned to.
    readers = np.flatnonzero(week.primary >= 0)
    code = c.code[week.primary[readers]]
    p1 = np.where(e.fast_learner[readers], kp.fast_socialisation_rate, kp.socialisation_rate)
    rate = p1 * np.where(week.attending[readers] >= 0, 1.0, kp.reading_socialisation)
    moves = (code != 0) & (code != beliefs[readers]) & (u_code[readers] < rate[:, None])
    push[readers] += step_toward(beliefs[readers], code) * moves

    # Standards (procedures and training).
    standards = world.standards[None, :]
    formal_rate = params.standards.formal_learning_rate
    moves = (standards != 0) & (standards != beliefs) & (u_std < formal_rate)
    push += step_toward(beliefs, standards) * moves

    size = 2 if kp.belief_update == "jump" else 1
    e.beliefs = np.clip(beliefs + size * np.sign(push), -1, 1).astype(np.int8)
    week.exchanges_within, week.exchanges_total = within, total
