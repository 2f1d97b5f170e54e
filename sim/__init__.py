"""orglearn: an agent-based simulation of how learning spreads through an organisation.

The public API::

    from sim import LearningModel, Params, load_scenario

    params = load_scenario("scenarios/default.toml", ["culture.competitiveness=0.6"])
    model = LearningModel(params).run()
    series = model.timeseries()          # {kpi: numpy array, one value per week}
"""

from sim.config.scenario import load_scenario, to_toml
from sim.engine.model import LearningModel
from sim.engine.params import SCHEMA, Params
from sim.engine.state import Engagement, Status
from sim.errors import ParameterError, ScenarioError
from sim.experiments.runner import RunOutcome, run_scenario
from sim.org.generator import Organisation, build_synthetic

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
