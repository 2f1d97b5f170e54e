"""Fast versions of the contagion validations (few replications); full ones via reproduce."""

import subprocess
import sys
from pathlib import Path

import pytest

from sim.designs import load_experiment
from sim.executors import run_tasks
from sim.results import runs_table, timeseries_long
from sim.sweep import _manifest
from sim.validation import bass_closed_form, run_checks

ROOT = Path(__file__).resolve().parents[2]
ORGLEARN = Path(sys.executable).with_name("orglearn")


def claims_for(name: str, replications: int, tmp_path: Path):
    spec = load_experiment(ROOT / "experiments" / "validation" / f"{name}.toml")
    tasks = [t for t in spec.tasks() if t.replication < replications]
    results = run_tasks(tasks, 2, show_progress=False)
    manifest = _manifest(spec, tasks, spec.contexts(), 2, "local", None, skipped=0, wall=0.0)
    return run_checks(runs_table(results), timeseries_long(results), manifest, tmp_path)


def test_bass_closed_form_matches_its_definition():
    # F(0) = 0, F grows to 1, and dF/dt = (p + q F)(1 - F) (Bass 1969, eq. 1).
    import numpy as np

    p, q = 0.03, 0.38
    t = np.linspace(0, 30, 3001)
    f = bass_closed_form(t, p, q)
    assert f[0] == 0 and 0.999 < f[-1] < 1
    slope = np.gradient(f, t)
    assert np.allclose(slope, (p + q * f) * (1 - f), atol=1e-4)


def test_simple_contagion_on_a_fully_mixed_population_follows_bass(tmp_path):
    claims = claims_for("bass-1969", 3, tmp_path)
    assert claims and all(c.passed for c in claims), [c.ours for c in claims]
    assert (tmp_path / "figures" / "validation.png").exists()


def test_threshold_behaviour_spreads_further_and_faster_when_clustered(tmp_path):
    claims = claims_for("centola-2010", 10, tmp_path)
    assert len(claims) == 2 and all(c.passed for c in claims), [c.ours for c in claims]


def test_cascades_happen_inside_the_window_and_not_above_it(tmp_path):
    claims = claims_for("watts-2002", 5, tmp_path)
    assert len(claims) == 2 and all(c.passed for c in claims), [c.ours for c in claims]


@pytest.mark.parametrize("name", ["centola-2010"])
def test_committed_validation_results_reproduce(name):
    result = subprocess.run([str(ORGLEARN), "reproduce", f"experiments/validation/{name}.toml",
                             "--replications", "4", "--workers", "2"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]


def test_march_orderings_and_levels_on_a_small_grid(tmp_path):
    """March (1991) Fig. 1, fast version: 2 x 2 points, 40 organisations each."""
    import numpy as np

    from sim.validation import MARCH_FIGURE_1, MARCH_P1

    text = (ROOT / "experiments" / "validation" / "march-1991.toml").read_text()
    text = (text.replace('scenario = "../../scenarios/default.toml"',
                         f'scenario = "{ROOT / "scenarios" / "default.toml"}"')
            .replace("[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]", "[0.1, 0.9]")
            .replace("[0.1, 0.5, 0.9]", "[0.5, 0.9]")
            .replace('"org.employees" = 5000', '"org.employees" = 2000')
            .replace('"org.divisions" = 100', '"org.divisions" = 40')
            .replace("steps = 250", "steps = 150")
            .replace("replications = 2 ", "replications = 1 "))
    path = tmp_path / "march-small.toml"
    path.write_text(text)
    spec = load_experiment(path)
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
