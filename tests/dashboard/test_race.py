"""The live race: lock-step stepping on common random numbers, and the player thread."""

import time

import numpy as np
import pytest

from sim.dashboard.race import Player, Race
from sim.engine.model import LearningModel
from sim.engine.params import Params
from sim.errors import ParameterError

PAIR = ("small_groups_first", "org_wide_first")


def params(**extra) -> Params:
    return Params().replace({"org.employees": 300, "run.steps": 30, "run.seed": 5, **extra})


def test_each_strategy_is_exactly_orglearn_run_with_the_seed():
    race = Race(params(), PAIR)
    race.step(30)
    for model, name in zip(race.models, PAIR, strict=True):
        alone = LearningModel(params().replace({"strategy.name": name})).run()
        for kpi, values in alone.timeseries().items():
            np.testing.assert_array_equal(model.timeseries()[kpi], values, err_msg=kpi)


def test_the_two_strategies_share_one_organisation_and_start_identically():
    race = Race(params(), PAIR)
    assert race.models[0].org is race.models[1].org is race.org
    first = race.snapshot()
    assert first.week == 0
    for kpi in first.series[0]:
        np.testing.assert_array_equal(first.series[0][kpi], first.series[1][kpi])
    race.step(20)
    later = race.snapshot()
    assert later.week == 20 and len(later.series[0]["participating_share"]) == 21
    assert not np.array_equal(later.series[0]["participating_share"],
                              later.series[1]["participating_share"])


def test_step_stops_at_the_end_and_reset_starts_again_on_the_same_numbers():
    race = Race(params(), PAIR)
    assert race.step(100) == 30 and race.done and race.step() == 0
    end = race.snapshot()
    version = race.version
    race.reset()
    assert race.week == 0 and race.version > version
    race.step(30)
    np.testing.assert_array_equal(race.snapshot().series[1]["mean_knowledge"],
                                  end.series[1]["mean_knowledge"])


def test_a_snapshot_is_a_copy_that_later_steps_do_not_change():
    race = Race(params(), PAIR)
    race.step(3)
    snap = race.snapshot()
    race.step(3)
    assert snap.week == 3 and snap.series[0]["step"].size == 4


def test_an_unknown_strategy_is_the_schema_message():
    with pytest.raises(ParameterError, match="strategy.name"):
        Race(params(), ("small_groups_first", "no_such_strategy"))


def test_the_player_steps_in_the_background_pauses_and_runs_to_the_end():
    race = Race(params(), PAIR)
    player = Player(race, speed=20.0)
    player.play()
    time.sleep(0.3)
    player.pause()
    assert player.wait(5)
    paused_at = race.week
    assert 1 <= paused_at < 30
    time.sleep(0.2)
    assert race.week == paused_at  # paused means paused
    player.run_to_end()
    assert player.wait(30) and race.done and not player.playing and player.error is None


def test_speed_limits_how_fast_the_player_steps():
    race = Race(params(**{"run.steps": 200}), PAIR)
    player = Player(race, speed=10.0)
    started = time.perf_counter()
    player.play()
    time.sleep(0.5)
    player.stop()
    weeks_per_second = race.week / (time.perf_counter() - started)
    assert weeks_per_second <= 10.0 * 1.5
