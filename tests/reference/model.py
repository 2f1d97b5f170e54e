"""A per-agent reference implementation of the engine's default mechanisms.

:class:`ReferenceModel` runs the rules of :class:`sim.engine.model.LearningModel` with one Mesa
agent object per person and per community (:mod:`tests.reference.agents`), each holding its
state as plain Python attributes and applying the rules to itself in loops over people. It is
written to be read against the engine, not to be fast: it is the baseline the engine's speed is
measured against (``benchmarks/bench_performance.py``) and the second implementation the
differential test (``tests/test_reference.py``) compares the engine's KPIs with.

It shares with the engine only the parameters (:class:`sim.engine.params.Params`) and the
organisation (built by :func:`sim.org.build.build_organisation` from the ``"org"`` stream of
the seed, as the engine builds it, so both run on the same organisation for the same seed).
Every other random number comes from the model's own generator (Mesa's ``self.random``, seeded
with the seed), so a run does not reproduce the engine's run number for number: it reproduces
its rules, and the two agree in distribution.

One week runs the engine's seven phases in its order (``sim.engine.model``): strategy,
environment (turnover, turbulence), participation, knowledge exchange, exploration and code
learning, standards, metrics. Within a phase every decision is drawn from the state at the
start of the phase and applied at its end, as the engine does.

Supported: the mechanisms that are on in the default parameters, with any values of their
numeric parameters, and the strategies ``none``, ``org_wide_first`` and
``small_groups_first``. A parameter value that switches on anything else raises
:class:`NotImplementedError` (:func:`check_supported`).
"""

from __future__ import annotations

import math
from operator import mul
from types import SimpleNamespace
from typing import ClassVar

import mesa
import numpy as np

from sim.engine.params import Params
from sim.engine.rng import Streams
from sim.org.build import build_organisation
from sim.org.generator import Organisation
from tests.reference.agents import (
    ACTIVE,
    AWARE,
    BY_TIES,
    CHAMPION,
    CONTRIBUTOR,
    DORMANT,
    LURKER,
    Community,
    Person,
)
from tests.reference.strategies import STRATEGIES, NoStrategy, make_strategy

__all__ = ["UNSUPPORTED", "ReferenceModel", "check_supported"]

UNSUPPORTED: tuple[tuple[str, object, str], ...] = (
    # (parameter, the value the reference implements, what another value would switch on)
    ("participation.contagion", "threshold", "linear (simple) contagion"),
    ("participation.threshold_type", "fraction", "thresholds counted in ties"),
    ("participation.compulsory", False, "compulsory enrolment"),
    ("knowledge.fast_learner_share", 0.0, "fast learners"),
    ("knowledge.code_learns_from", "contributors", "codes learning from every member"),
    ("knowledge.initial_beliefs", "march", "definite starting beliefs"),
    ("knowledge.peer_choice", "trust", "learning from the best-scoring tie"),
    ("knowledge.belief_update", "step", "beliefs jumping to the source's value"),
    ("knowledge.explore_when", "always", "exploring only when stuck"),
    ("knowledge.landscape", "additive", "NK landscapes"),
)
"""The parameters whose other values switch on mechanisms the reference does not implement."""


def check_supported(params: Params) -> None:
    """Refuse parameters the reference does not implement.

    Raises:
        NotImplementedError: Naming the parameter and the mechanism its value switches on, or
            the strategy.
    """
    for key, value, mechanism in UNSUPPORTED:
        if params[key] != value:
            raise NotImplementedError(
                f"the reference model does not implement {mechanism} ({key} = "
                f"{params[key]!r}; supported: {value!r})")
    if params.strategy.name not in STRATEGIES:
        raise NotImplementedError(
            f"the reference model does not implement the strategy {params.strategy.name!r} "
            f"(strategy.name; supported: {', '.join(STRATEGIES)})")


class ReferenceModel(mesa.Model):
    """The engine's rules, one agent object per person and per community.

    Args:
        params: Parameters (see :func:`check_supported` for what is supported).
        seed: Seed of the organisation (as the engine's) and of the model's own random numbers.
        org: A ready-made organisation; built from ``params.org`` and the seed when ``None``.

    Attributes:
        params: The parameters.
        seed: The seed.
        org: The organisation.
        people: One :class:`Person` per position, in position order.
        slots: The community slots (``community.max_communities``); ``None`` where free.
        reality: The best practice, one value in {-1, +1} per dimension.
        standards: The organisation's standards, one value in {-1, 0, +1} per dimension.
        set_standards: ``(dimension, standard)`` of the dimensions with a standard, as of this
            week's knowledge exchange.
        standards_adopted: Practices that have become standards so far.
        next_person_id: Identifier of the next newcomer.
        strategy: The rollout strategy.
        rows: The KPIs of each week so far, week 0 first.

    Raises:
        NotImplementedError: If the parameters switch on a mechanism or name a strategy the
            reference does not implement.
    """

    person_class: ClassVar[type[Person]] = Person
    """The agent class of the people (a test may substitute one with a rule changed)."""

    def __init__(self, params: Params, seed: int, org: Organisation | None = None) -> None:
        check_supported(params)
        super().__init__(rng=int(seed))
        self.params, self.seed = params, int(seed)
        self.pp = SimpleNamespace(**params.section("participation"))
        self.cp = SimpleNamespace(**params.section("community"))
        self.kp = SimpleNamespace(**params.section("knowledge"))
        self.culture = SimpleNamespace(**params.section("culture"))
        self.sp = SimpleNamespace(**params.section("standards"))
        self.env = SimpleNamespace(**params.section("environment"))
        self.dimensions = int(self.kp.dimensions)
        self.org = org if org is not None else build_organisation(params.org,
                                                                   Streams(self.seed)["org"])
        self.people: list[Person] = [
            self.person_class(self, i, int(self.org.division[i]), bool(self.org.is_spanner[i]))
            for i in range(self.org.n)
        ]
        self._connect()
        self.reality = [self.random.choice((-1, 1)) for _ in range(self.dimensions)]
        self.standards = [0] * self.dimensions
        self.set_standards: list[tuple[int, int]] = []
        self.standards_adopted = 0
        self.next_person_id = self.org.n
        self.slots: list[Community | None] = [None] * int(self.cp.max_communities)
        self.strategy: NoStrategy = make_strategy(params)
        self.exchanges_within = self.exchanges_total = 0
        self.meetings = 0
        self._seed_unofficial_groups()
        for community in self.communities():
            community.refresh_status()
        self.rows: list[dict[str, float]] = []
        self.record()

    # --- set-up ---------------------------------------------------------------------------------

    def _connect(self) -> None:
        """Give each person their ties and the trust on them (the organisation's tie matrix)."""
        ties = self.org.ties
        indptr, indices, data = ties.indptr, ties.indices, ties.data
        for i, person in enumerate(self.people):
            row = range(int(indptr[i]), int(indptr[i + 1]))
            person.colleagues = [self.people[int(indices[k])] for k in row]
            person.trust = [float(data[k]) for k in row]
            person.tie_strength = sum(person.trust)

    def _seed_unofficial_groups(self) -> None:
        """Open the organisation's unofficial groups with their members
        (``LearningModel._seed_unofficial_groups``).

        Each member joins if below their cap; each who joined already contributes with chance
        equal to the group's starting energy.
        """
        for members, energy in zip(self.org.groups, self.org.group_energy, strict=True):
            group = self.launch_community(official=False, scope=BY_TIES, energy=float(energy))
            for i in members:
                person = self.people[int(i)]
                if person.enrol(group) and self.random.random() < energy:
                    person.engagement = CONTRIBUTOR

    # --- communities ----------------------------------------------------------------------------

    def communities(self) -> list[Community]:
        """The communities in use, in slot order."""
        return [c for c in self.slots if c is not None]

    def free_slot(self) -> int | None:
        """The first free community slot, or ``None``."""
        for slot, community in enumerate(self.slots):
            if community is None:
                return slot
        return None

    def launch_community(self, *, official: bool, scope: int, energy: float = 0.0,
                         cadence: int | None = None) -> Community:
        """Open a community in the first free slot (``communities.launch``).

        Raises:
            RuntimeError: If every slot is taken.
        """
        slot = self.free_slot()
        if slot is None:
            raise RuntimeError(f"more than community.max_communities = {len(self.slots)} "
                               "communities")
        if cadence is None:
            cadence = self.cp.cadence if official else self.cp.unofficial_cadence
        community = Community(self, slot, official=official, scope=scope, energy=energy,
                              cadence=int(cadence), created=self.steps)
        self.slots[slot] = community
        return community

    def close(self, community: Community) -> None:
        """Close a community (dormant and empty); its slot becomes free."""
        self.slots[community.slot] = None
        community.remove()

    @staticmethod
    def alive(community: Community) -> bool:
        """Whether a community still exists, is official and is not dormant."""
        return community.model.slots[community.slot] is community and (
            community.official and community.status != DORMANT)

    # --- the week ---------------------------------------------------------------------------------

    def step(self) -> None:
        """One week: the engine's seven phases in its order (``LearningModel.step``)."""
        self.strategy.act(self)
        self.environment()
        self.participation()
        self.exchange()
        self.exploration()
        self.code_learning()
        self.standards_phase()
        self.record()

    def environment(self) -> None:
        """Turnover, then turbulence: each dimension of reality flips with chance
        ``environment.turbulence`` (``environment.turbulence_step``)."""
        for person in self.people:
            person.maybe_leave()
        for d in range(self.dimensions):
            if self.random.random() < self.env.turbulence:
                self.reality[d] = -self.reality[d]

    def participation(self) -> None:
        """Phase 3 (``participation.participation_step``).

        Statuses are refreshed and meetings scheduled; everyone picks the community they turn
        to and whether they attend, then draws their decisions from the state as it is; the
        decisions are applied together; the meetings take place with the members still there;
        recognition and fatigue follow, then each community's energy.
        """
        communities = self.communities()
        for community in communities:
            community.refresh_status()
            community.schedule(self.steps)
        self.meetings = sum(c.meets for c in communities)
        for person in self.people:
            person.choose_attendance()
        network_exists = any(c.official and c.status != DORMANT for c in communities)
        for person in self.people:
            person.decide_participation(network_exists)
        for person in self.people:
            person.apply_participation()
        rosters: dict[Community, list[Person]] = {c: [] for c in communities}
        for person in self.people:
            person.confirm_attendance()
            if person.attending is not None:
                rosters[person.attending].append(person)
        for community in communities:
            community.hold_meeting(rosters[community])
        for person in self.people:
            person.recover()
        for community in communities:
            if community.update_energy():
                self.close(community)

    def exchange(self) -> None:
        """Phase 4 (``exchange.exchange_step``): everyone acts, then everyone decides their
        belief changes from the beliefs as they are, then all adopt them."""
        self.set_standards = [(d, s) for d, s in enumerate(self.standards) if s != 0]
        for person in self.people:
            person.act()
        within = total = 0
        for person in self.people:
            person_within, person_total = person.decide_learning()
            within += person_within
            total += person_total
        for person in self.people:
            person.apply_learning()
        self.exchanges_within, self.exchanges_total = within, total

    def exploration(self) -> None:
        """Phase 5a (``exploration.exploration_step``): experiments."""
        for person in self.people:
            person.explore()

    def code_learning(self) -> None:
        """Phase 5b (``code.code_learning_step``): the codes of the communities that met learn."""
        for community in self.communities():
            if community.meets:
                community.learn_code()

    def standards_phase(self) -> None:
        """Phase 6 (``standards.standards_step``): practices held across divisions become
        standards.

        A division holds a value on a dimension when more than ``standards.majority`` of its
        people believe it (and at least as many as the opposite value, strictly more for -1); a
        value held by at least ``division_share`` of the divisions (rounded up, at least one)
        and by more divisions than the opposite value becomes the standard.
        """
        n_div, m = self.org.n_divisions, self.dimensions
        size = [0] * n_div
        plus = [[0] * m for _ in range(n_div)]
        minus = [[0] * m for _ in range(n_div)]
        for person in self.people:
            size[person.division] += 1
            for d, b in enumerate(person.beliefs):
                if b == 1:
                    plus[person.division][d] += 1
                elif b == -1:
                    minus[person.division][d] += 1
        needed = max(1, math.ceil(self.sp.division_share * n_div - 1e-9))
        majority = self.sp.majority
        for d in range(m):
            holding_plus = holding_minus = 0
            for k in range(n_div):
                p, q = plus[k][d] / size[k], minus[k][d] / size[k]
                holding_plus += p > majority and p >= q
                holding_minus += q > majority and q > p
            candidate = ((holding_plus >= needed and holding_plus > holding_minus)
                         - (holding_minus >= needed and holding_minus > holding_plus))
            if candidate != 0 and candidate != self.standards[d]:
                self.standards[d] = candidate
                self.standards_adopted += 1

    # --- running and recording --------------------------------------------------------------

    def run(self, steps: int | None = None) -> ReferenceModel:
        """Run ``steps`` weeks (``params.run.steps`` when ``None``) and return the model."""
        for _ in range(self.params.run.steps if steps is None else steps):
            self.step()
        return self

    def measure(self) -> dict[str, float]:
        """The KPIs of the week (``metrics.measure``), under the engine's names."""
        people, m = self.people, self.dimensions
        n = len(people)
        knowledge = [p.knowledge() for p in people]
        performance = sum(p.performance() for p in people) / n
        n_div = self.org.n_divisions
        div_sum, div_size = [0.0] * n_div, [0] * n_div
        for person, k in zip(people, knowledge, strict=True):
            div_sum[person.division] += k
            div_size[person.division] += 1
        by_division = [s / c for s, c in zip(div_sum, div_size, strict=True)]
        communities = self.communities()
        live = [c for c in communities if c.status != DORMANT]
        code_knowledge = (sum(sum(map(mul, c.code, self.reality)) / m for c in live) / len(live)
                          if live else 0.0)
        spanners = [p for p in people if p.is_spanner]
        if self.exchanges_total:
            silo = self.exchanges_within / self.exchanges_total
        else:
            silo = self.rows[-1]["silo_index"] if self.rows else float("nan")
        members = sum(bool(p.communities) for p in people)
        row = {
            "step": float(self.steps),
            "aware_share": sum(p.engagement >= AWARE for p in people) / n,
            "participating_share": sum(p.engagement >= LURKER for p in people) / n,
            "voluntary_share": members / n,
            "enrolled_share": 0.0,
            "contributing_share": sum(p.engagement >= CONTRIBUTOR for p in people) / n,
            "champion_share": sum(p.engagement == CHAMPION for p in people) / n,
            "mean_knowledge": sum(knowledge) / n,
            "performance": performance,
            "error_rate": 1.0 - performance,
            "division_knowledge_sd": float(np.std(by_division)),
            "code_knowledge": code_knowledge,
            "active_communities": float(sum(c.status == ACTIVE for c in communities)),
            "dormant_communities": float(sum(c.status == DORMANT for c in communities)),
            "meetings": float(self.meetings),
            "attending_share": sum(p.attending is not None for p in people) / n,
            "spanner_load": (sum(len(p.communities) for p in spanners) / len(spanners)
                             if spanners else 0.0),
            "silo_index": float(silo),
            "standards_adopted": float(self.standards_adopted),
            "standards_correct": float(sum(s == r for s, r in zip(self.standards, self.reality,
                                                                 strict=True))),
        }
        row.update({f"knowledge_div_{d}": k for d, k in enumerate(by_division)})
        return row

    def record(self) -> None:
        """Append this week's KPIs."""
        self.rows.append(self.measure())

    def timeseries(self) -> dict[str, np.ndarray]:
        """The KPI time series, ``{kpi: (weeks + 1,) array}``, week 0 first, as the engine's."""
        return {k: np.array([row[k] for row in self.rows]) for k in self.rows[0]}
