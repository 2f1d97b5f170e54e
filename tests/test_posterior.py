"""A comparison on a calibrated scenario draws fitted values per replication."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.config.experiment_file import load_experiment
from sim.config.scenario import load_scenario
from sim.errors import ParameterError
from sim.experiments.design import Experiment
from sim.experiments.posterior import PosteriorError, read_posterior

ROOT = Path(__file__).resolve().parents[1]
KEYS = ("participation.word_of_mouth", "participation.awareness_rate")


def posterior_file(tmp_path: Path, rows: list[tuple[float, float, float]]) -> Path:
    path = tmp_path / "posterior.csv"
    lines = [f'"{KEYS[0]}","{KEYS[1]}","weight","distance"']
    lines += [f"{a},{b},{w},1.0" for a, b, w in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_draws_follow_the_weights_and_depend_only_on_seed_and_replication(tmp_path):
    sample = read_posterior(posterior_file(tmp_path, [(0.2, 0.01, 3.0), (0.5, 0.05, 1.0)]))
    assert np.allclose(sample.weights, [0.75, 0.25])
    draws = [sample.draw(7, r)[KEYS[0]] for r in range(4000)]
    assert np.mean(np.array(draws) == 0.2) == pytest.approx(0.75, abs=0.03)
    assert [sample.draw(7, r) for r in range(20)] == [sample.draw(7, r) for r in range(20)]
    assert [sample.draw(7, r) for r in range(20)] != [sample.draw(8, r) for r in range(20)]
    assert sample.effective_size == pytest.approx(1 / (0.75**2 + 0.25**2))


def test_every_strategy_of_a_replication_runs_with_the_same_draw(tmp_path):
    sample = read_posterior(posterior_file(tmp_path, [(0.2, 0.01, 1.0), (0.5, 0.05, 1.0),
                                                      (0.35, 0.03, 1.0)]))
    params = load_scenario(ROOT / "scenarios" / "default.toml", ["org.employees=100"])
    experiment = Experiment.comparison(params, ["small_groups_first", "org_wide_first"], 12,
                                       posterior=sample)
    plain = Experiment.comparison(params, ["small_groups_first", "org_wide_first"], 12)
    assert experiment.digest != plain.digest  # resuming cannot mix the two
    by_replication: dict[int, set] = {}
    for task in experiment.tasks():
        by_replication.setdefault(task.replication, set()).add(
            tuple(task.values[k] for k in KEYS))
    assert all(len(drawn) == 1 for drawn in by_replication.values())
    assert len({next(iter(d)) for d in by_replication.values()}) > 1  # replications differ
    assert any("drawn from the calibration's posterior" in n for n in experiment.notes)


@pytest.mark.parametrize("text, fragment", [
    (f'"{KEYS[0]}","distance"\n0.2,1\n', "needs a weight column"),
    (f'"{KEYS[0]}","weight"\n0.2,-1\n', "column weight"),
    (f'"{KEYS[0]}","weight"\n0.2,0\n0.3,0\n', "not all 0"),
    ('"participation.no_such","weight"\n0.2,1\n', "participation.no_such"),
    (f'"{KEYS[0]}","weight"\n7,1\n', "participation.word_of_mouth = 7"),
])
def test_a_bad_posterior_file_is_refused_in_one_line(tmp_path, text, fragment):
    path = tmp_path / "posterior.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PosteriorError) as caught:
        read_posterior(path)
    assert fragment in str(caught.value) and "\n" not in str(caught.value)


def test_compare_with_a_missing_posterior_exits_2_and_writes_nothing(tmp_path):
    orglearn = str(Path(sys.executable).with_name("orglearn"))
    done = subprocess.run([orglearn, "compare", str(ROOT / "scenarios" / "default.toml"),
                           "--posterior", str(tmp_path / "nope.csv"), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "nope.csv" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def experiment_file(tmp_path: Path, posterior: Path, axis: str) -> Path:
    shutil.copy(ROOT / "scenarios" / "default.toml", tmp_path / "default.toml")
    path = tmp_path / "sweep.toml"
    path.write_text(f'''[experiment]
name = "drawn"
description = "A grid whose replications draw from a posterior."
scenario = "default.toml"
design = "grid"
replications = 6
seed = 3
posterior = "{posterior.name}"

[levers]
strategies = ["small_groups_first", "org_wide_first"]

[uncertainties]
"{axis}" = [0.05, 0.2]
''', encoding="utf-8")
    return path


def test_a_sweep_draws_the_same_values_for_a_replication_in_every_context(tmp_path):
    posterior = posterior_file(tmp_path, [(0.2, 0.01, 1.0), (0.5, 0.05, 1.0), (0.3, 0.02, 2.0)])
    experiment = load_experiment(experiment_file(tmp_path, posterior, "org.cross_division_share"))
    drawn: dict[int, set] = {}
    for task in experiment.tasks():
        drawn.setdefault(task.replication, set()).add(tuple(task.values[k] for k in KEYS))
    assert len(experiment.contexts()) == 2 and all(len(d) == 1 for d in drawn.values())
    with pytest.raises(ParameterError, match="participation.word_of_mouth"):
        load_experiment(experiment_file(tmp_path, posterior, KEYS[0]))
