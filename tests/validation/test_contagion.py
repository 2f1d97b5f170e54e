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
