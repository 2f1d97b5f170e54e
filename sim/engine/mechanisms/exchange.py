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

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sim.engine.mechanisms.sampling import (
    best_neighbour,
    pick_another_in_group,
    sparse_uniforms,
)
from sim.engine.state import Engagement, State

if TYPE_CHECKING:
    from sim.engine.params import Params

__all__ = ["act", "exchange_step"]


def act(beliefs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Actions of each row of beliefs: the belief, or a fair coin flip where it is 0.

    Args:
        beliefs: ``(rows, m)`` in {-1, 0, +1}.
        rng: Random stream for the guesses (one bit per entry, whatever the beliefs).

    Returns:
        ``(rows, m)`` int8 actions in {-1, +1}.
    """
    bits = np.unpackbits(np.frombuffer(rng.bytes(-(-beliefs.size // 8)), np.uint8))
    guess = bits[: beliefs.size].view(np.int8).reshape(beliefs.shape)
    guess = guess + guess - np.int8(1)  # fair +-1
    unknown = (beliefs == 0).view(np.int8)
    return beliefs + unknown * guess  # (np.where is several times slower on int8)


class Proposals:
    """Moves proposed this phase, as flat cells of the ``(n, m)`` beliefs and their directions.

    Each channel (work ties, meetings, codes, standards) adds the cells where one of its
    learners would move one step toward its source; :meth:`apply` then moves each cell in the
    direction most proposals point to (no move on a tie).
    """

    def __init__(self, beliefs: np.ndarray) -> None:
        self.beliefs = beliefs
        self.n, self.m = beliefs.shape
        self.push = np.zeros(beliefs.size, np.int8)  # at most four proposals a cell

    def propose(
        self, rng: np.random.Generator, rows: np.ndarray | None, rate_of_row: np.ndarray | float,
        most: float, source_of_cell: Callable[[np.ndarray, np.ndarray], np.ndarray],
    ) -> np.ndarray:
        """Propose the moves of ``rows`` toward their sources, each with its row's chance.

        The chances are decided against a full ``(n, m)`` field of uniform numbers
        (:func:`sparse_uniforms`), so the draws are the same whatever the state.

        Args:
            rng: Random stream.
            rows: The rows that learn on this channel, ascending (``None``: every row).
            rate_of_row: ``(n,)`` chance of each row learning on a dimension, or one chance for
                every row.
            most: An upper bound of the chances that does not depend on the state.
            source_of_cell: ``(rows, dims) -> values``: the source's belief at those cells.

        Returns:
            The rows that moved on at least one dimension (ascending, with repeats).
        """
        cells, u = sparse_uniforms(rng, (self.n, self.m), most, rows)
        row = cells // self.m
        hit = u < (rate_of_row[row] if isinstance(rate_of_row, np.ndarray) else rate_of_row)
        cells, row = cells[hit], row[hit]
        dim = cells - row * self.m
        mine = self.beliefs.reshape(-1)[cells]
        theirs = source_of_cell(row, dim)
        moves = (theirs != 0) & (theirs != mine)
        cells, mine, theirs = cells[moves], mine[moves], theirs[moves]
        np.add.at(self.push, cells, np.sign(theirs - mine).astype(np.int8))
        return row[moves]

    def apply(self, size: int) -> np.ndarray:
        """The beliefs after the moves, clipped to {-1, 0, +1}.

        Each cell moves ``size`` steps (1, or 2 for a jump) in the direction most of its
        proposals point to.
        """
        step = np.sign(self.push).reshape(self.n, self.m)
        if size != 1:
            step *= np.int8(size)
        return np.clip(self.beliefs + step, -1, 1).astype(np.int8, copy=False)


def _exchanges(moved: np.ndarray, sources: np.ndarray, division: np.ndarray) -> tuple[int, int]:
    """Exchanges of one channel, ``(within, total)``.

    ``total`` counts the learners who moved on at least one dimension, ``within`` those of them
    whose source (``sources``, indexed by learner) is of their own division.
    """
    first = np.ones(moved.size, bool)
    first[1:] = moved[1:] != moved[:-1]  # ``moved`` is sorted
    learned = moved[first]
    return int((division[learned] == division[sources[learned]]).sum()), int(learned.size)


def exchange_step(state: State, params: Params, rng: np.random.Generator) -> None:
    """Phase 4 of a step: act, then learn from work ties, meetings, codes and standards.

    Random numbers, in this order and in fixed shapes: the guesses (a bit per belief), one
    uniform per employee for the meeting partner, one per employee for the colleague on a work
    tie, then one field of ``(n, m)`` uniforms per channel (:func:`sparse_uniforms`).
    """
    e, c, week, world = state.employees, state.communities, state.week, state.world
    kp, culture = params.knowledge, params.culture
    n = e.n
    beliefs = e.beliefs
    safety = culture.psychological_safety

    week.actions = act(beliefs, rng)
    week.score = world.score(week.actions)
    u_pick = rng.random(n)
    u_tie = rng.random(n)
    proposals = Proposals(beliefs)
    within = total = 0

    # Work ties.
    if kp.peer_choice == "best":
        partner, trust = best_neighbour(state.ties, week.score)
    else:
        partner, trust = state.tie_sampler.sample(u_tie)
    week.saw_better = (partner >= 0) & (week.score[np.maximum(partner, 0)] > week.score)
    peer_rate = kp.peer_learning_rate * safety * (1.0 - culture.competitiveness)
    most = peer_rate * state.tie_sampler.heaviest
    moved = proposals.propose(rng, np.flatnonzero(week.saw_better), peer_rate * trust, most,
                              lambda row, dim: beliefs[partner[row], dim])
    counts = _exchanges(moved, partner, e.division)
    within, total = within + counts[0], total + counts[1]

    # Meetings: each attendee talks with one other attendee; only contributors share.
    attendees = np.flatnonzero(week.attending >= 0)
    group = week.attending[attendees]
    met = pick_another_in_group(group, attendees, c.capacity, u_pick[attendees])
    met_partner = np.full(n, -1, np.int64)
    met_partner[attendees] = met
    safe = np.maximum(met_partner, 0)
    teaches = ((met_partner >= 0) & (e.engagement[safe] >= Engagement.CONTRIBUTOR)
               & (week.score[safe] > week.score))
    meeting_rate = kp.meeting_learning_rate * safety
    moved = proposals.propose(rng, np.flatnonzero(teaches), meeting_rate, meeting_rate,
                              lambda row, dim: beliefs[met_partner[row], dim])
    counts = _exchanges(moved, met_partner, e.division)
    within, total = within + counts[0], total + counts[1]

    # Socialisation from the code of the community each participant turned to.
    p1 = np.where(e.fast_learner, kp.fast_socialisation_rate, kp.socialisation_rate)
    rate = p1 * np.where(week.attending >= 0, 1.0, kp.reading_socialisation)
    most = float(p1.max(initial=0.0))  # who learns fast is fixed for the run
    proposals.propose(rng, np.flatnonzero(week.primary >= 0), rate, most,
                      lambda row, dim: c.code[week.primary[row], dim])

    # Standards (procedures and training).
    formal_rate = params.standards.formal_learning_rate
    proposals.propose(rng, None, formal_rate, formal_rate,
                      lambda row, dim: world.standards[dim])

    e.beliefs = proposals.apply(2 if kp.belief_update == "jump" else 1)
    week.exchanges_within, week.exchanges_total = within, total
