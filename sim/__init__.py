"""orglearn: an agent-based simulation of how learning spreads through an organisation.

The public API::

    from sim import LearningModel, Params, load_scenario

    params = load_scenario("scenarios/default.toml", ["culture.competitiveness=0.6"])
    model = LearningModel(params).run()
    series = model.timeseries()          # {kpi: numpy array, one value per week}
"""

from sim.model import LearningModel
from sim.org import Organisation, build_synthetic
from sim.params import SCHEMA, ParameterError, Params
from sim.runner import RunOutcome, run_scenario
from sim.scenario import ScenarioError, load_scenario, to_toml
from sim.state import Engagement, Status

__all__ = [
    "SCHEMA",
    "Engagement",
    "LearningModel",
    "Organisation",
    "ParameterError",
    "Params",
    "RunOutcome",
    "ScenarioError",
    "Status",
    "build_synthetic",
    "load_scenario",
    "run_scenario",
    "to_toml",
]
