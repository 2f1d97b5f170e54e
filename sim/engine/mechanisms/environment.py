"""Turnover and turbulence (March 1991, pp. 79-81).

Each week every employee leaves with chance ``turnover`` (p3) and a newcomer takes the position:
random beliefs, except that onboarding teaches each standardised dimension with chance
``standards.onboarding``; no awareness, voluntary memberships or fatigue; fresh motivation and
threshold. The position's obligations stay: the newcomer is enrolled in the compulsory
communities the leaver belonged to (in March's organisation, newcomers meet the code at once),
and keeps the position's learning speed (``Employees.fast_learner``).
Each dimension of reality flips with chance ``turbulence`` (p4): knowledge has a shelf life.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.engine.mechanisms import communities
from sim.engine.memberships import row_holds
from sim.engine.state import Engagement, State, draw_motivation, draw_thresholds, random_beliefs

if TYPE_CHECKING:
    from sim.engine.params import Params

__all__ = ["turnover_step", "turbulence_step"]


def turnover_step(state: State, params: Params, rng: np.random.Generator) -> np.ndarray:
    """Replace leavers by newcomers; return the positions that changed hands."""
    e, world = state.employees, state.world
    pp = params.participation
    n, m = e.beliefs.shape
    leaves = np.flatnonzero(rng.random(n) < params.environment.turnover)
    k = leaves.size
    beliefs = random_beliefs(rng, k, m, params.knowledge.initial_beliefs)
    taught = (world.standards[None, :] != 0) & (rng.random((k, m)) < params.standards.onboarding)
    beliefs = np.where(taught, world.standards[None, :], beliefs).astype(np.int8)
    motivation = draw_motivation(rng, k, pp.initial_motivation, pp.motivation_concentration)
    threshold = draw_thresholds(rng, k, pp.threshold_mean, pp.threshold_sd)

    c = state.communities
    held = c.memberships.slots[leaves]  # the leavers' communities, before they leave
    obligations = [(community, leaves[row_holds(held, community)])
                   for community in np.flatnonzero(c.compulsory & c.used)
                   if (held == community).any()]
    communities.leave(state, leaves)
    e.beliefs[leaves] = beliefs
    e.engagement[leaves] = Engagement.UNAWARE
    e.motivation[leaves] = motivation
    e.threshold[leaves] = threshold
    e.fatigue[leaves] = 0.0
    e.person_id[leaves] = world.next_person_id + np.arange(k)
    world.next_person_id += k
    for community, newcomers in obligations:
        communities.enrol(state, params, newcomers, int(community), compulsory=True)
    return leaves


def turbulence_step(state: State, params: Params, rng: np.random.Generator) -> None:
    """Flip each dimension of reality with chance ``environment.turbulence``."""
    reality = state.world.reality
    flips = rng.random(reality.size) < params.environment.turbulence
    reality[flips] *= -1
