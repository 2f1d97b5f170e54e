"""Exploration: experimental actions with simple evaluation.

Each week an employee runs an experiment with chance ``exploration_rate * safety`` (people
experiment where it is safe to fail; Edmondson 1999); with ``knowledge.explore_when = "stuck"``
only in weeks they saw no better-scoring colleague on their work ties (Lazer & Friedman 2007:
copy if someone does better, explore otherwise). An experiment tries one random practice
dimension both ways, the rest of the practice as it stands (beliefs, with this week's guesses
where they hold none), and evaluates the two: with chance ``evaluation_accuracy`` the evaluation
picks the better one, otherwise the worse; the employee then holds what the evaluation picked.
With additive scoring the better value is reality's on that dimension whatever the rest; on an
NK landscape it depends on the rest of the practice, and where both score the same the employee
keeps what they had.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.engine.state import State

if TYPE_CHECKING:
    from sim.engine.params import Params

__all__ = ["exploration_step"]


def exploration_step(state: State, params: Params, rng: np.random.Generator) -> np.ndarray:
    """Run this week's experiments; return the employees who experimented."""
    e, kp = state.employees, params.knowledge
    n, m = e.beliefs.shape
    u_try, u_eval = rng.random((2, n))
    dimension = rng.integers(0, m, size=n)
    eligible = u_try < kp.exploration_rate * params.culture.psychological_safety
    if kp.explore_when == "stuck":
        eligible &= ~state.week.saw_better
    tries = np.flatnonzero(eligible)
    d = dimension[tries]
    better = _better_value(state, tries, d)
    right = u_eval[tries] < kp.evaluation_accuracy
    e.beliefs[tries, d] = np.where(right, better, -better)
    return tries


def _better_value(state: State, people: np.ndarray, d: np.ndarray) -> np.ndarray:
    """The better of the two values of dimension ``d[i]`` for ``people[i]``, in {-1, +1}."""
    world = state.world
    if world.landscape is None:
        return world.reality[d]
    beliefs = state.employees.beliefs[people]
    practice = np.where(beliefs != 0, beliefs, state.week.actions[people]).astype(np.int8)
    rows = np.arange(people.size)
    up, down = practice.copy(), practice.copy()
    up[rows, d], down[rows, d] = 1, -1
    gain = world.score(up) - world.score(down)
    return np.where(gain > 0, 1, np.where(gain < 0, -1, practice[rows, d])).astype(np.int8)
