"""The model: :class:`LearningModel`, its set-up and its one step loop.

One step is one week. The step runs seven phases in this fixed order; each phase computes its
changes from the state as it finds it and applies them when it ends (synchronous updating), so
results never depend on the order of agents:

1. **strategy** acts: launches communities, invites or enrols people (:mod:`sim.engine.strategies`);
2. **environment**: turnover replaces leavers with newcomers, turbulence changes reality
   (:mod:`sim.engine.mechanisms.environment`);
3. **participation**: meetings are scheduled, people become aware, join, climb or lapse on the
   engagement ladder, tire and drop out; communities gain or lose energy and may go dormant
   (:mod:`sim.engine.mechanisms.participation`, :mod:`sim.engine.mechanisms.communities`);
4. **knowledge exchange**: everyone acts on their beliefs; beliefs move toward better-performing
   colleagues on work ties, contributors met at meetings, the codes of one's communities and the
   standards (:mod:`sim.engine.mechanisms.exchange`);
5. **exploration and code learning**: experiments on single practices; codes learn from their
   superior contributors (:mod:`sim.engine.mechanisms.exploration`,
:mod:`sim.engine.mechanisms.code`);
6. **standards**: practices held across divisions become standards
   (:mod:`sim.engine.mechanisms.standards`);
7. **metrics**: the KPIs of the week are recorded (:mod:`sim.engine.metrics`).

Each phase draws from its own named random stream (:mod:`sim.engine.rng`).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.engine.agents import BoundarySpanner, Community, Employee
from sim.engine.mechanisms import communities
from sim.engine.mechanisms.code import code_learning_step
from sim.engine.mechanisms.environment import turbulence_step, turnover_step
from sim.engine.mechanisms.exchange import exchange_step
from sim.engine.mechanisms.exploration import exploration_step
from sim.engine.mechanisms.participation import participation_step
from sim.engine.mechanisms.standards import standards_step
from sim.engine.metrics import Recorder
from sim.engine.params import Params
from sim.engine.rng import Streams
from sim.engine.state import BY_TIES, ORG_WIDE, Engagement, State
from sim.engine.strategies import make_strategy
from sim.org.build import build_organisation
from sim.org.generator import Organisation

__all__ = ["LearningModel"]


class LearningModel(mesa.Model):
    """Agent-based model of learning spreading through an organisation.

    Args:
        params: Parameters; the schema defaults when ``None``.
        seed: Root seed; ``params.run.seed`` when ``None``.
        org: A ready-made organisation; built from ``params.org`` with the seed when ``None``.

    Attributes:
        params: The parameters of the run.
        seed: The root seed.
        streams: Named random streams derived from the seed.
        org: The organisation (divisions, hierarchy, ties, spanners, unofficial groups).
        state: All arrays that change during the run.
        strategy: The rollout strategy.
        recorder: KPI time series; row 0 is the state before the first step.

    Example:
        >>> from sim import LearningModel, Params
        >>> model = LearningModel(Params(), seed=7).run(10)
        >>> round(model.timeseries()["participating_share"][-1], 3) >= 0
        True
    """

    def __init__(self, params: Params | None = None, *, seed: int | None = None,
                 org: Organisation | None = None) -> None:
        params = params if params is not None else Params()
        seed = int(params.run.seed if seed is None else seed)
        # Mesa's own generators (model.rng, model.random) are seeded but never drawn from:
        # every draw comes from a named stream (self.streams), so that strategies share their
        # random numbers. A mechanism that drew from model.rng would break that; a test checks
        # that a run leaves model.rng untouched.
        super().__init__(rng=seed)
        self.params, self.seed = params, seed
        self.streams = Streams(seed)
        self.org = org if org is not None else build_organisation(params.org,
                                                                   self.streams["org"])
        self.state = State.initial(self.org, params, self.streams)
        self.strategy = make_strategy(params)
        self._employees: list[Employee] | None = None  # created on first use (employees)
        self.communities: dict[int, Community] = {}
        self._seed_unofficial_groups()
        communities.refresh_status(self.state, params)
        self.recorder = Recorder(division_series=self.params.run.division_series)
        self.recorder.record(self.state)

    @property
    def employees(self) -> list[Employee]:
        """One Mesa agent per employee position, ``employees[i]`` a view onto row ``i``.

        Created on first use (here, or through ``agents``, ``agents_by_type`` or
        ``agent_types``): the mechanisms run on the state arrays and never need them, and for a
        large organisation they would take about 300 bytes and a microsecond each per run.
        """
        if self._employees is None:
            self._employees = [(BoundarySpanner if self.org.is_spanner[i] else Employee)(self, i)
                               for i in range(self.org.n)]
        return self._employees

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """Mesa's set of every agent (employee agents created first, see :attr:`employees`)."""
        self.employees  # noqa: B018 - creates them
        return super().agents

    @property
    def agents_by_type(self) -> dict[type, mesa.agent.AgentSet]:
        """Mesa's agents by type (employee agents created first, see :attr:`employees`)."""
        self.employees  # noqa: B018 - creates them
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """Mesa's agent types (employee agents created first, see :attr:`employees`)."""
        self.employees  # noqa: B018 - creates them
        return super().agent_types

    def _seed_unofficial_groups(self) -> None:
        """Open the organisation's existing unofficial groups with their members.

        A group's starting energy is also the chance that each of its members already
        contributes: energetic groups are the ones where people share.
        """
        rng = self.streams["groups"]
        for members, energy in zip(self.org.groups, self.org.group_energy, strict=True):
            group = self.launch_community(official=False, scope=BY_TIES, energy=float(energy))
            communities.enrol(self.state, self.params, members, group.index)
            joined = members[self.state.communities.memberships.contains(members, group.index)]
            active = joined[rng.random(joined.size) < energy]
            self.state.employees.engagement[active] = Engagement.CONTRIBUTOR

    def launch_community(self, *, official: bool, scope: int = ORG_WIDE, energy: float = 0.0,
                         cadence: int | None = None, compulsory: bool = False) -> Community:
        """Open a community and return its agent (``mechanisms.communities.launch``).

        A new community takes the first free slot (slots of closed communities are reused).
        """
        index = communities.launch(self.state, self.params, official=official, scope=scope,
                                   energy=energy, cadence=cadence, compulsory=compulsory)
        self.communities[index] = Community(self, index)
        return self.communities[index]

    def _forget_closed_communities(self) -> None:
        """Remove the agents of communities whose slots were closed this week."""
        for index in [i for i in self.communities if not self.state.communities.used[i]]:
            self.communities.pop(index).remove()

    def step(self) -> None:
        """Advance one week: the seven phases in the order documented in this module."""
        state, params, streams = self.state, self.params, self.streams
        state.step = self.steps
        self.strategy.act(self, streams["strategy"])
        turnover_step(state, params, streams["turnover"])
        turbulence_step(state, params, streams["turbulence"])
        participation_step(state, params, streams["participation"])
        self._forget_closed_communities()
        exchange_step(state, params, streams["exchange"])
        exploration_step(state, params, streams["exploration"])
        code_learning_step(state, params, streams["code"])
        standards_step(state, params, streams["standards"])
        self.recorder.record(state)

    def run(self, steps: int | None = None) -> LearningModel:
        """Run ``steps`` weeks (``params.run.steps`` when ``None``) and return the model."""
        for _ in range(self.params.run.steps if steps is None else steps):
            self.step()
        return self

    def timeseries(self) -> dict[str, np.ndarray]:
        """The KPI time series so far, ``{kpi: array}``, one entry per week from week 0."""
        return self.recorder.columns()
