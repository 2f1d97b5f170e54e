"""Fast version of the Lazer & Friedman (2007) validation; the full one runs through
``orglearn reproduce``."""

import numpy as np

from sim import LearningModel
from sim.config.scenario import load_scenario
from tests.validation.helpers import ROOT, claims_for, scaled


def test_linear_network_loses_early_and_wins_late(tmp_path):
    """Linear vs totally connected, 16 paired landscapes, 60 rounds."""
    spec = scaled("lazer-friedman-2007", replications=16, overrides={"run.steps": 60},
                  axes={"org.informal_degree": [2, 100]})
    claims = claims_for(spec, tmp_path)
    assert len(claims) == 4 and all(c.passed for c in claims), [c.ours for c in claims]


def test_networks_of_one_replication_share_landscape_and_starts():
    """Shared seeds: the linear and the connected network search the same landscape from the
    same practices, and differ only in who sees whom."""
    spec = scaled("lazer-friedman-2007", replications=1, overrides={"run.steps": 3},
                  axes={"org.informal_degree": [2, 100]})
    tasks = spec.tasks()
    assert len({t.seed for t in tasks}) == 1
    models = [LearningModel(spec.base.replace(t.values, "test")) for t in tasks]
    a, b = (m.state for m in models)
    assert np.array_equal(a.world.landscape.contributions, b.world.landscape.contributions)
    assert np.array_equal(a.employees.beliefs, b.employees.beliefs)
    assert a.adjacency.sum() == 2 * 100 and b.adjacency.sum() == 100 * 99


def test_the_scenario_copies_the_best_contact_or_explores_one_dimension():
    """One week of the scenario: who saw a better contact holds that contact's whole practice;
    everyone else differs from last week's practice on at most one dimension, and only if the
    change scored better."""
    params = load_scenario(ROOT / "scenarios" / "lazer-friedman-2007.toml")
    model = LearningModel(params.replace({"run.seed": 11}))
    state = model.state
    before = state.employees.beliefs.copy()
    score = state.world.score(before)
    model.step()
    after, saw = state.employees.beliefs, state.week.saw_better
    neighbours = [state.adjacency.indices[state.adjacency.indptr[i]:state.adjacency.indptr[i + 1]]
                  for i in range(state.employees.n)]
    for i in np.flatnonzero(saw):
        best = neighbours[i][np.argmax(score[neighbours[i]])]
        assert np.array_equal(after[i], before[best])
    changed = (after != before).sum(axis=1)
    assert saw.any() and (changed[~saw] <= 1).all()
    explored = ~saw & (changed == 1)
    assert explored.any()
    assert (state.world.score(after[explored]) > score[explored]).all()
