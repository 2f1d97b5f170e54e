"""Bands behind the race: the paired replications of orglearn compare, summarised per week."""

import numpy as np

from sim.dashboard.bands import BandJob, better_direction
from sim.engine.params import Params
from sim.experiments.design import Experiment
from sim.experiments.tasks import execute

PAIR = ("small_groups_first", "org_wide_first")


def params() -> Params:
    return Params().replace({"org.employees": 200, "org.divisions": 4, "run.steps": 15,
                             "run.seed": 3})


def test_bands_are_the_comparison_runs_and_their_percentiles():
    job = BandJob(params(), PAIR, replications=4, workers=1).start()
    assert job.wait(120) and job.done and job.error is None
    bands = job.bands()
    tasks = Experiment.comparison(params(), list(PAIR), 4, name="dashboard").tasks()
    direct = {(t.strategy, t.replication): execute(t).series for t in tasks}
    kpi = "participating_share"
    for strategy in PAIR:
        stacked = np.stack([direct[(strategy, r)][kpi] for r in range(4)])
        np.testing.assert_array_equal(bands.series[strategy][kpi], stacked)
        low, high = bands.band(strategy, kpi)
        np.testing.assert_allclose(low, np.percentile(stacked, 2.5, axis=0))
        assert np.all(low <= high)
    gaps = bands.gaps(kpi)
    expected = np.mean((gaps > 0) + 0.5 * (gaps == 0), axis=0)
    np.testing.assert_allclose(bands.p_beats(kpi), expected)
    mean, low, high = bands.final_gap(kpi)
    assert low <= mean <= high and mean == gaps[:, -1].mean()


def test_lower_is_better_turns_p_beats_around():
    assert better_direction("error_rate") == "lower"
    assert better_direction("participating_share") == "higher"
    job = BandJob(params(), PAIR, replications=3, workers=1).start()
    assert job.wait(120)
    bands = job.bands()
    gaps = bands.gaps("error_rate")
    np.testing.assert_allclose(bands.p_beats("error_rate"),
                               np.mean((gaps < 0) + 0.5 * (gaps == 0), axis=0))


def test_a_cancelled_job_stops_early_and_has_no_bands():
    job = BandJob(params().replace({"run.steps": 200}), PAIR, replications=50,
                  workers=1).start()
    job.cancel()
    assert not job.running
    assert job.finished < job.total and job.bands() is None
