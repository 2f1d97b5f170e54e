import numpy as np
import pytest

from sim import LearningModel, Params
from sim.metrics import KPIS, RUN_KPIS, run_summary


@pytest.fixture(scope="module")
def finished():
    model = LearningModel(Params().replace({"org.employees": 300, "run.steps": 40}), seed=8).run()
    return model, model.timeseries()


def test_every_weekly_kpi_is_documented(finished):
    _, series = finished
    documented = {k.name for k in KPIS}
    fixed = [k for k in series if not k.startswith("knowledge_div_")]
    assert fixed == [k.name for k in KPIS]
    assert documented <= set(series)


def test_run_summary_matches_its_registry_and_formulas(finished):
    model, series = finished
    summary = run_summary(series, model.state)
    assert list(summary) == [k.name for k in RUN_KPIS]
    assert all(k.better in ("higher", "lower", "none") for k in RUN_KPIS)
    assert summary["reach_participating"] == series["participating_share"][-1]
    assert summary["value_realised"] == pytest.approx(
        series["error_rate"][0] - series["error_rate"][-1])
    profile = summary["lurker_share"] + summary["contributor_share"] + summary["champion_share"]
    assert profile == pytest.approx(1.0)
    reached = np.flatnonzero(series["participating_share"] >= 0.5)
    expected = reached[0] if reached.size else len(series["step"])
    assert summary["time_to_50"] == expected


def test_time_to_reach_is_censored_when_never_reached():
    params = Params().replace({"org.employees": 200, "run.steps": 10, "strategy.name": "none"})
    model = LearningModel(params, seed=1).run()
    summary = run_summary(model.timeseries(), model.state)
    assert summary["time_to_80"] == 11.0  # steps + 1: not reached within the horizon
