"""Fast versions of the March (1991) validations: 20-40 organisations per point instead of
400-1,000; the full versions run through ``orglearn reproduce``."""

import numpy as np

from sim.experiments.executors import run_tasks
from sim.validation import MARCH_FIGURE_1, MARCH_P1
from tests.validation.helpers import claims_for, scaled

FORTY_ORGANISATIONS = {"org.employees": 2000, "org.divisions": 40}


def test_figure_1_orderings_and_levels_on_a_small_grid():
    """Fig. 1 at 2 x 2 points, 40 organisations each, against the published recreation."""
    spec = scaled("march-1991", replications=1,
                  overrides={**FORTY_ORGANISATIONS, "run.steps": 150},
                  axes={"knowledge.socialisation_rate": [0.1, 0.9],
                        "knowledge.code_learning_rate": [0.5, 0.9]})
    results = run_tasks(spec.tasks(), 2, show_progress=False)
    contexts = spec.contexts()
    value = {(contexts[r.task.context]["knowledge.socialisation_rate"],
              contexts[r.task.context]["knowledge.code_learning_rate"]): r.kpis["value_potential"]
             for r in results}
    for p2 in (0.5, 0.9):
        assert value[(0.1, p2)] > value[(0.9, p2)]  # slow socialisation wins
        for p1, index in ((0.1, 0), (0.9, len(MARCH_P1) - 1)):
            assert abs(value[(p1, p2)] - MARCH_FIGURE_1[p2][index]) < 0.05, (p1, p2)
    assert value[(0.1, 0.9)] > value[(0.1, 0.5)]
    assert np.isfinite(list(value.values())).all()


def test_slow_learners_raise_the_equilibrium_and_fast_learners_learn_first(tmp_path):
    """Figs. 2-3 with none, half and all of the 50 fast, 40 organisations each."""
    spec = scaled("march-1991-learners", replications=1,
                  overrides={**FORTY_ORGANISATIONS, "run.steps": 160},
                  axes={"knowledge.fast_learner_share": [0.0, 0.5, 1.0]})
    claims = claims_for(spec, tmp_path)
    assert len(claims) == 4 and all(c.passed for c in claims), [c.ours for c in claims]
    assert (tmp_path / "figures" / "validation.png").exists()


def test_modest_turnover_helps_only_fast_socialisation(tmp_path):
    """Fig. 4 at p3 = 0, 0.2 and 1, 3 x 40 organisations each."""
    spec = scaled("march-1991-turnover", replications=3, overrides=FORTY_ORGANISATIONS,
                  axes={"environment.turnover": [0.0, 0.2, 1.0]})
    claims = claims_for(spec, tmp_path)
    assert len(claims) == 3 and all(c.passed for c in claims), [c.ours for c in claims]


def test_without_turnover_knowledge_decays_when_reality_changes(tmp_path):
    """Fig. 5 with 4 x 20 organisations per curve."""
    spec = scaled("march-1991-turbulence", replications=4,
                  overrides={"org.employees": 1000, "org.divisions": 20})
    claims = claims_for(spec, tmp_path)
    assert len(claims) == 2 and all(c.passed for c in claims), [c.ours for c in claims]
