"""Rollout strategies: the lever a leader controls, registered by name.

A strategy acts at the start of every step (phase 1 of :meth:`sim.model.LearningModel.step`):
it may launch communities, invite or enrol people. Strategies are picked by name in the
``[strategy]`` section of a scenario.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from sim.mechanisms import communities
from sim.state import ORG_WIDE, Engagement

if TYPE_CHECKING:
    from sim.model import LearningModel

__all__ = ["STRATEGIES", "Strategy", "invite", "make_strategy", "register"]


class Strategy:
    """Base class: a rollout strategy that does nothing (the control).

    Attributes:
        name: Registered name.
        summary: One line saying which practice the strategy represents.
    """

    name: ClassVar[str] = "none"
    summary: ClassVar[str] = "Control: no official learning network; only unofficial groups."

    def act(self, model: LearningModel, rng: np.random.Generator) -> None:
        """Act at the start of a step (no-op for the control)."""


STRATEGIES: dict[str, type[Strategy]] = {}


def register(cls: type[Strategy]) -> type[Strategy]:
    """Class decorator that registers a strategy under its ``name``."""
    STRATEGIES[cls.name] = cls
    return cls


register(Strategy)


def make_strategy(name: str) -> Strategy:
    """Instantiate a registered strategy by name.

    Raises:
        KeyError: If no strategy has that name (the schema's choices prevent this for scenarios).
    """
    return STRATEGIES[name]()


def invite(model: LearningModel, people: np.ndarray, community: int,
           rng: np.random.Generator) -> np.ndarray:
    """Invite people to a community; return who was enrolled.

    Invitees become aware. If the community is compulsory everyone is enrolled; otherwise each
    accepts with chance ``participation.invitation_acceptance``.
    """
    state, params = model.state, model.params
    people = np.asarray(people, dtype=np.int64)
    e = state.employees
    e.engagement[people] = np.maximum(e.engagement[people], Engagement.AWARE)
    compulsory = bool(state.communities.compulsory[community])
    accept = rng.random(people.size) < params.participation.invitation_acceptance
    joining = people if compulsory else people[accept]
    return communities.enrol(state, params, joining, community, compulsory=compulsory)


@register
class OrgWideFirst(Strategy):
    """Start organisation-wide: one official network for everyone, announced to all.

    At ``strategy.launch_week`` one official community open to every division is launched and
    everyone is invited (or, with ``participation.compulsory``, enrolled).
    """

    name = "org_wide_first"
    summary = "Start organisation-wide: one official network for everyone, everyone invited."

    def act(self, model: LearningModel, rng: np.random.Generator) -> None:
        """Launch the network in the launch week."""
        if model.steps != model.params.strategy.launch_week:
            return
        community = model.launch_community(
            official=True, scope=ORG_WIDE, compulsory=model.params.participation.compulsory)
        invite(model, np.arange(model.state.employees.n), community.index, rng)


@register
class SmallGroupsFirst(Strategy):
    """Start with small groups: pilot communities in chosen clusters.

    At ``strategy.launch_week`` ``strategy.pilot_groups`` official communities are launched, one
    per division in turn, each scoped to its division; each invites a cluster of colleagues
    around a random employee (the employee and their ties, breadth first, up to
    ``strategy.pilot_size`` people).
    """

    name = "small_groups_first"
    summary = "Start small: pilot communities in chosen clusters, one per division in turn."

    def act(self, model: LearningModel, rng: np.random.Generator) -> None:
        """Launch the pilots in the launch week."""
        params = model.params
        if model.steps != params.strategy.launch_week:
            return
        division = model.state.employees.division
        n_div = int(division.max()) + 1
        for g in range(params.strategy.pilot_groups):
            d = g % n_div
            community = model.launch_community(
                official=True, scope=d, compulsory=params.participation.compulsory)
            candidates = np.flatnonzero(division == d)
            seed = int(rng.choice(candidates))
            cluster = model.org.cluster(seed, params.strategy.pilot_size, rng, within=division == d)
            invite(model, cluster, community.index, rng)


def describe() -> list[tuple[str, str]]:
    """Name and one-line summary of every registered strategy."""
    return [(name, cls.summary) for name, cls in STRATEGIES.items()]

