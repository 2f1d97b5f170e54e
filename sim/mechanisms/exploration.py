"""Exploration: experimental actions with simple evaluation.

Each week an employee runs an experiment with chance ``exploration_rate * safety`` (people
experiment where it is safe to fail; Edmondson 1999). An experiment tries one random practice
dimension and evaluates it: with chance ``evaluation_accuracy`` the evaluation shows the true
best practice, otherwise the opposite; the employee then holds what the evaluation showed.
"""

from __future__ import annotations

import numpy as np

from sim.params import Params
from sim.state import State

__all__ = ["exploration_step"]


def exploration_step(state: State, params: Params, rng: np.random.Generator) -> np.ndarray:
    """Run this week's experiments; return the employees who experimented."""
    e, reality = state.employees, state.world.reality
    kp = params.knowledge
    n, m = e.beliefs.shape
    u_try, u_eval = rng.random((2, n))
    dimension = rng.integers(0, m, size=n)
    tries = np.flatnonzero(u_try < kp.exploration_rate * params.culture.psychological_safety)
    d = dimension[tries]
    right = u_eval[tries] < kp.evaluation_accuracy
    e.beliefs[tries, d] = np.where(right, reality[d], -reality[d])
    return tries
