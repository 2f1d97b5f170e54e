"""Standards: practices that spread across divisions become the organisation's standards.

A division *holds* a practice (a value on a dimension) when more than ``standards.majority`` of
its employees believe it. When at least ``standards.division_share`` of the divisions hold the
same practice and it is not already the standard, it becomes the standard on that dimension:
one-off local experiments become company standards (reframing value, Wenger, Trayner & de Laat
2011). Standards are then taught to everyone (:mod:`sim.engine.mechanisms.exchange`) and to
newcomers (:mod:`sim.engine.mechanisms.environment`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.engine.state import State

if TYPE_CHECKING:
    from sim.engine.params import Params

__all__ = ["division_practice", "standards_step"]


def division_practice(state: State, majority: float) -> np.ndarray:
    """The practice each division holds on each dimension, ``(D, m)`` in {-1, 0, +1}."""
    e = state.employees
    members = state.division_members
    size = np.bincount(e.division, minlength=members.shape[0])[:, None]
    # Sums of the beliefs and of their squares per division, in float32 (exact for counts
    # below 2**24, and fast); plus and minus are the shares believing +1 and -1.
    beliefs = e.beliefs.astype(np.float32)
    net, held = members @ beliefs, members @ (beliefs * beliefs)
    plus = (held + net) / 2 / size
    minus = (held - net) / 2 / size
    held_plus = (plus > majority) & (plus >= minus)
    held_minus = (minus > majority) & (minus > plus)
    return (held_plus.astype(np.int8) - held_minus.astype(np.int8)).astype(np.int8)


def standards_step(state: State, params: Params, rng: np.random.Generator) -> np.ndarray:
    """Adopt new standards; return the dimensions whose standard changed this week.

    ``rng`` is unused (the rule is deterministic); it keeps the mechanism signature uniform.
    """
    sp_ = params.standards
    held = division_practice(state, sp_.majority)
    n_div = held.shape[0]
    needed = max(1, int(np.ceil(sp_.division_share * n_div - 1e-9)))
    plus, minus = (held == 1).sum(axis=0), (held == -1).sum(axis=0)
    candidate = (((plus >= needed) & (plus > minus)).astype(np.int8)
                 - ((minus >= needed) & (minus > plus)).astype(np.int8))
    world = state.world
    new = np.flatnonzero((candidate != 0) & (candidate != world.standards))
    world.standards[new] = candidate[new]
    world.standards_adopted += new.size
    return new
