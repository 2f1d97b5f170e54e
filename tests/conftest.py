"""Shared helpers for the tests: small parameter sets and hand-built states."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from sim.engine.params import Params
from sim.engine.rng import Streams, stream
from sim.engine.state import State
from sim.org.generator import build_synthetic

QUIET = {
    # Switch every source of change off; a test switches on what it examines.
    "knowledge.socialisation_rate": 0.0,
    "knowledge.code_learning_rate": 0.0,
    "knowledge.peer_learning_rate": 0.0,
    "knowledge.meeting_learning_rate": 0.0,
    "knowledge.exploration_rate": 0.0,
    "standards.formal_learning_rate": 0.0,
    "environment.turnover": 0.0,
    "environment.turbulence": 0.0,
    "org.unofficial_groups": 0,
}


def small_params(**updates) -> Params:
    """A 200-person organisation with every learning mechanism off, plus ``updates``."""
    values = {"org.employees": 200, "org.divisions": 4, "run.steps": 20, **QUIET}
    values.update({k.replace("__", "."): v for k, v in updates.items()})
    return Params().replace(values)


def make_state(params: Params, ties: sp.csr_array | None = None, seed: int = 0) -> State:
    """Initial state for ``params``; ``ties`` replaces the generated tie matrix if given."""
    org = build_synthetic(params.org, stream(seed, "org"))
    state = State.initial(org, params, Streams(seed))
    if ties is not None:
        state = State(state.employees, state.communities, state.world, sp.csr_array(ties))
    return state


def ring(n: int, k: int, weight: float = 1.0) -> sp.csr_array:
    """A ring lattice: each node tied to its k/2 nearest neighbours on each side."""
    rows, cols = [], []
    for offset in range(1, k // 2 + 1):
        a = np.arange(n)
        rows += [a, a]
        cols += [(a + offset) % n, (a - offset) % n]
    r, c = np.concatenate(rows), np.concatenate(cols)
    return sp.csr_array((np.full(r.size, weight), (r, c)), shape=(n, n))


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)
