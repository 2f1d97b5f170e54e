import numpy as np

from sim.engine.mechanisms.standards import division_practice, standards_step
from tests.conftest import make_state, small_params


def test_a_practice_held_across_divisions_becomes_a_standard_once(rng):
    params = small_params(standards__division_share=0.75, standards__majority=0.5)
    state = make_state(params)
    e = state.employees
    e.beliefs[:, 0] = 1                       # every division holds +1 on dimension 0
    e.beliefs[:, 1] = 0
    e.beliefs[e.division < 3, 1] = -1         # three of four divisions hold -1 on dimension 1
    e.beliefs[:, 2] = 0
    e.beliefs[e.division < 2, 2] = 1          # only two of four hold dimension 2
    e.beliefs[:, 3:] = 0
    new = standards_step(state, params, rng)
    assert new.tolist() == [0, 1]
    assert state.world.standards[:3].tolist() == [1, -1, 0]
    assert state.world.standards_adopted == 2
    assert standards_step(state, params, rng).size == 0
    assert state.world.standards_adopted == 2


def test_division_practice_needs_a_majority():
    params = small_params()
    state = make_state(params)
    e = state.employees
    e.beliefs[:] = 0
    first = np.flatnonzero(e.division == 0)
    e.beliefs[first[: len(first) // 2], 0] = 1         # exactly half: not a majority
    e.beliefs[first[: len(first) // 2 + 1], 1] = -1    # just over half
    held = division_practice(state, 0.5)
    assert held[0, 0] == 0 and held[0, 1] == -1
