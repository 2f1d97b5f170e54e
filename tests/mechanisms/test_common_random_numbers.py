"""Each mechanism draws the same amount of randomness whatever the state, so two strategies run
with one seed keep sharing every stream (common random numbers)."""

import numpy as np
import pytest

from sim.engine.mechanisms import communities
from sim.engine.mechanisms.code import code_learning_step
from sim.engine.mechanisms.environment import turbulence_step, turnover_step
from sim.engine.mechanisms.exchange import exchange_step
from sim.engine.mechanisms.exploration import exploration_step
from sim.engine.mechanisms.participation import participation_step
from sim.engine.mechanisms.standards import standards_step
from sim.engine.state import ORG_WIDE, Engagement
from tests.conftest import make_state, small_params

MECHANISMS = [participation_step, exchange_step, exploration_step, code_learning_step,
              turnover_step, turbulence_step, standards_step]


def busy_state(params):
    """A state with communities, meetings, contributors and standards."""
    state = make_state(params)
    k = communities.launch(state, params, official=True, scope=ORG_WIDE, energy=0.8)
    communities.enrol(state, params, np.arange(0, 150), k)
    g = communities.launch(state, params, official=False, energy=0.3)
    communities.enrol(state, params, np.arange(150, 170), g)
    state.employees.engagement[::4] = Engagement.CONTRIBUTOR
    state.world.standards[:3] = 1
    state.step = 2
    return state


@pytest.mark.parametrize("mechanism", MECHANISMS, ids=lambda f: f.__name__)
def test_draws_do_not_depend_on_the_state(mechanism):
    params = small_params(environment__turnover=0.05, knowledge__exploration_rate=0.5,
                          knowledge__code_learning_rate=0.5)
    quiet, busy = make_state(params), busy_state(params)
    for state in (quiet, busy):
        state.step = 2
        participation_step(state, params, np.random.default_rng(0))  # schedule meetings
    ends = []
    for state in (quiet, busy):
        rng = np.random.default_rng(99)
        mechanism(state, params, rng)
        ends.append(rng.random())
    assert ends[0] == ends[1]
