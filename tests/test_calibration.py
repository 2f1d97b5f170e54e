"""Calibration by ABC-SMC: the sampler on problems with a known answer, then on the model.

The sampler is checked against an analytic posterior (the mean of a normal sample), the model
calibration against data the model itself generated at known parameter values (parameter
recovery; Talts et al. 2018 check the same idea at scale): the true value must fall inside the
90 % posterior interval. The larger recovery study is ``benchmarks/bench_calibration.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.calibration import abc
from sim.calibration.observed import read_observed
from sim.calibration.run import Settings, calibrate, prior_of
from sim.config.scenario import load_scenario
from sim.engine.model import LearningModel

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "default.toml"
SMALL = ["org.employees=150", "org.divisions=3", "strategy.name=small_groups_first"]


def test_the_sampler_finds_the_analytic_posterior_of_a_normal_mean():
    # 20 draws of N(mu, 1) with mean 0.3: the posterior of mu under a flat prior is
    # N(0.3, 1/sqrt(20)), sd 0.224; ABC with a small tolerance comes close.
    prior = abc.Prior(("mu",), np.array([-2.0]), np.array([2.0]))

    def distance(generation: int, values: np.ndarray) -> np.ndarray:
        rng = np.random.default_rng([7, generation])
        return np.abs(values[:, 0] + rng.standard_normal(values.shape[0]) / np.sqrt(20) - 0.3)

    generations = abc.sample(prior, distance, population=2000, generations=8, seed=1)
    last = generations[-1]
    assert [g.epsilon for g in generations] == sorted((g.epsilon for g in generations),
                                                      reverse=True)
    assert last.mean()[0] == pytest.approx(0.3, abs=0.05)
    assert 0.19 < last.sd()[0] < 0.27
    (low, high), = abc.intervals(last, 0.9)
    assert low < 0.3 < high and high - low == pytest.approx(2 * 1.645 * 0.224, rel=0.2)


def test_the_weights_undo_the_kernel_so_that_no_information_leaves_the_prior():
    # Every value is as close as every other: the posterior must stay the flat prior, although
    # the kernel, truncated to the box, proposes more values near the middle.
    prior = abc.Prior(("a", "b"), np.array([0.0, 10.0]), np.array([1.0, 30.0]))
    generations = abc.sample(prior, lambda g, v: np.ones(v.shape[0]), population=4000,
                             generations=4, seed=3)
    last = generations[-1]
    assert np.allclose(last.mean(), [0.5, 20.0], rtol=0.03)
    assert np.allclose(last.sd(), prior.sd, rtol=0.06)
    assert abc.effective_size(last.weights) > 2000


def test_the_same_seed_gives_the_same_values_whatever_the_distances_took():
    prior = abc.Prior(("x",), np.array([0.0]), np.array([1.0]))
    twice = [abc.sample(prior, lambda g, v: np.abs(v[:, 0] - 0.7), population=50,
                        generations=3, seed=11) for _ in range(2)]
    for a, b in zip(*twice, strict=True):
        assert np.array_equal(a.values, b.values) and np.array_equal(a.weights, b.weights)


def observations(tmp_path: Path, truth: dict[str, float], seed: int, weeks: range) -> Path:
    """A CSV of the aware and participating shares of one model run at ``truth``."""
    params = load_scenario(DEFAULT, [*SMALL, f"run.steps={weeks[-1]}",
                                     *(f"{k}={v}" for k, v in truth.items())], seed=seed)
    series = LearningModel(params).run().timeseries()
    path = tmp_path / f"observed-{seed}.csv"
    lines = ["week,aware_share,participating_share"] + [
        f"{w},{series['aware_share'][w]:.3f},{series['participating_share'][w]:.3f}"
        for w in weeks]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fit(tmp_path: Path, observed: Path, ranges: dict[str, tuple[float, float]], out: str,
        **kw):
    params = load_scenario(DEFAULT, SMALL)
    data = read_observed(observed, steps=params.run.steps, employees=150)
    settings = Settings(**{"budget": 240, "generations": 3, "predictive": 8, **kw})
    return calibrate(params, data, prior_of(list(ranges), ranges, "test"), tmp_path / out,
                     settings=settings, employees=150)


@pytest.mark.slow
def test_a_parameter_the_data_were_generated_with_is_recovered(tmp_path):
    # The rate at which official communications make people aware drives the aware share: three
    # data sets generated at 0.03, each calibrated over 0-0.1 with 240 runs (about 8 s each).
    key, truth = "participation.awareness_rate", 0.03
    inside, spread = 0, []
    for seed in (101, 102, 103):
        data = observations(tmp_path, {key: truth}, seed, range(3, 31, 3))
        result = fit(tmp_path, data, {key: (0.0, 0.1)}, f"fit-{seed}", seed=seed)
        (low, high), = abc.intervals(result.posterior, 0.9)
        inside += low <= truth <= high
        spread.append(result.posterior.sd()[0] / result.prior.sd[0])
    assert inside >= 2  # the true value inside the 90% interval in at least 2 of 3 repeats
    assert max(spread) < 0.5  # and the data narrow the prior down (0.23-0.34 measured)


@pytest.mark.slow
def test_same_seed_same_posterior_in_one_process_or_two_and_after_an_interruption(tmp_path):
    key = "participation.threshold_mean"
    data = observations(tmp_path, {key: 0.2}, 5, range(4, 25, 4))
    params = load_scenario(DEFAULT, SMALL)
    observed = read_observed(data, steps=params.run.steps, employees=150)
    settings = Settings(budget=60, generations=3, predictive=4, seed=9)
    prior = prior_of([key], {}, "test")
    serial = calibrate(params, observed, prior, tmp_path / "serial", settings=settings,
                       employees=150)
    calibrate(params, observed, prior, tmp_path / "two", settings=settings, employees=150,
              workers=2)

    def stop_after_the_first(generation: abc.Generation) -> None:
        if generation.index == 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        calibrate(params, observed, prior, tmp_path / "cut", settings=settings, employees=150,
                  on_generation=stop_after_the_first)
    resumed = calibrate(params, observed, prior, tmp_path / "cut", settings=settings,
                        employees=150, resume=True)
    assert resumed.resumed_runs == settings.population  # generation 0 was not run again
    for other in ("two", "cut"):
        for name in ("runs.parquet", "timeseries.parquet"):
            assert (tmp_path / other / name).read_bytes() == (
                tmp_path / "serial" / name).read_bytes(), (other, name)
    assert np.array_equal(serial.posterior.weights, resumed.posterior.weights)


def orglearn(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("orglearn")), *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_the_command_writes_posterior_diagnostics_and_a_calibrated_scenario(tmp_path):
    data = observations(tmp_path, {"participation.awareness_rate": 0.02}, 8, range(4, 21, 4))
    out = tmp_path / "out"
    done = orglearn("calibrate", str(DEFAULT), "--observed", str(data), "--params",
                    "participation.awareness_rate=0:0.1,knowledge.exploration_rate=0:0.2",
                    *(x for s in SMALL for x in ("--set", s)), "--budget", "300",
                    "--generations", "3", "--predictive", "6", "--workers", "2",
                    "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for name in ("posterior.csv", "generations.csv", "fit.csv", "calibrated.toml",
                 "figures/posterior.png", "figures/fit.png", "report.md", "report.html",
                 "runs.parquet", "manifest.json"):
        assert (out / name).is_file(), name
    report = (out / "report.md").read_text(encoding="utf-8")
    # Exploration does not touch awareness or participation: the data cannot identify it.
    assert "the data hardly constrain exploration rate" in report
    assert "| Awareness rate | `participation.awareness_rate` | 0–0.1 |" in report
    assert "awareness rate" not in report.split("## Posterior")[0]  # identified: no warning
    fitted = load_scenario(out / "calibrated.toml")
    assert fitted.scenario.name == "default-calibrated" and fitted.org.employees == 150
    assert 0.0 <= fitted.participation.awareness_rate <= 0.1
    assert "posterior mean" in done.stdout and str(out / "report.html") in done.stdout


@pytest.mark.parametrize("text, fragment", [
    ("week,aware_share\n3,1.4\n6,0.5\n", "aware_share = '1.4'"),
    ("week,aware_share\n3,0.2\n200,0.5\n", "200"),
])
def test_a_bad_observed_file_gets_one_line_exit_2_and_nothing_written(tmp_path, text,
                                                                      fragment):
    bad = tmp_path / "observed.csv"
    bad.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    done = orglearn("calibrate", str(DEFAULT), "--observed", str(bad), "--params",
                    "participation.word_of_mouth", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "observed.csv" in lines[0] and fragment in lines[0], lines
    assert not out.exists()


def test_a_parameter_without_a_range_or_not_real_is_refused(tmp_path):
    good = tmp_path / "observed.csv"
    good.write_text("week,aware_share\n3,0.2\n6,0.5\n", encoding="utf-8")
    done = orglearn("calibrate", str(DEFAULT), "--observed", str(good),
                    "--params", "org.divisions=2:8", "--out", str(tmp_path / "out"),
                    cwd=tmp_path)
    assert done.returncode == 2 and "real-valued" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_calibration_on_dask_gives_the_bytes_of_one_in_this_process(tmp_path):
    pytest.importorskip("distributed")
    data = observations(tmp_path, {"participation.awareness_rate": 0.04}, 3, range(4, 17, 4))
    common = ["calibrate", str(DEFAULT), "--observed", str(data), "--params",
              "participation.awareness_rate=0:0.1", *(x for s in SMALL for x in ("--set", s)),
              "--budget", "60", "--generations", "2", "--predictive", "4"]
    serial = orglearn(*common, "--workers", "1", "--out", str(tmp_path / "serial"),
                      cwd=tmp_path)
    dask = orglearn(*common, "--executor", "dask", "--workers", "2", "--out",
                    str(tmp_path / "dask"), cwd=tmp_path)
    assert serial.returncode == 0 and dask.returncode == 0, dask.stderr
    for name in ("posterior.csv", "generations.csv", "fit.csv", "runs.parquet",
                 "timeseries.parquet", "calibrated.toml"):
        assert (tmp_path / "dask" / name).read_bytes() == (
            tmp_path / "serial" / name).read_bytes(), name


def test_per_division_observations_are_fitted_to_each_division_s_own_series(tmp_path):
    truth = {"participation.awareness_rate": 0.05, "run.division_series": True}
    params = load_scenario(DEFAULT, [*SMALL, "run.steps=16",
                                     *(f"{k}={v}" for k, v in truth.items())], seed=21)
    series = LearningModel(params).run().timeseries()
    assert series["aware_share_div_0"].shape == series["aware_share"].shape
    lines = ["week,division,aware_share"] + [
        f"{w},{d + 1},{series[f'aware_share_div_{d}'][w]:.3f}" for w in (4, 8, 12, 16)
        for d in (0, 2)]
    path = tmp_path / "observed.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    base = load_scenario(DEFAULT, SMALL)
    observed = read_observed(path, steps=base.run.steps, employees=150,
                             divisions=("1", "2", "3"))
    assert list(observed.divisions) == ["1", "3"] and observed.count() == 8
    result = calibrate(base, observed, prior_of(["participation.awareness_rate"],
                                                {"participation.awareness_rate": (0, 0.2)},
                                                "test"), tmp_path / "out",
                       settings=Settings(budget=90, generations=3, predictive=4),
                       employees=150, division_names=("1", "2", "3"),
                       division_sizes=(50, 50, 50))
    (low, high), = abc.intervals(result.posterior, 0.9)
    assert low <= 0.05 <= high and result.posterior.sd()[0] < 0.6 * result.prior.sd[0]
    assert set(result.predictive[0]) == {("1", "aware_share"), ("3", "aware_share")}


def test_report_on_a_calibration_folder_says_which_command_writes_it(tmp_path):
    done = orglearn("report", str(ROOT / "results" / "calibrate-client-example"), cwd=tmp_path)
    assert done.returncode == 2 and "orglearn calibrate writes its report" in done.stderr
