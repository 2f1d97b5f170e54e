"""Rollout strategies: the lever a leader controls, registered by name.

(Somewhat over 400 lines, on purpose: the seven strategies are short classes that each declare
their parameters beside the behaviour that reads them, and they share the helpers below; one
file lets a reader compare them side by side.)

A strategy acts at the start of every step (phase 1 of :meth:`sim.engine.model.LearningModel.step`):
it launches communities, invites or enrols people, and shares out the facilitation budget.
Every strategy gets the same budget, ``strategy.facilitation_hours`` per week, split evenly over
its live official communities, so comparisons are fair: a strategy that runs more groups spreads
the same hours over them. Each strategy declares its own parameters once, in its class attribute
:attr:`Strategy.parameters` (the schema section ``strategy.<name>``); the schema
(:mod:`sim.engine.parameters`) takes them from the registry, :data:`STRATEGIES`, and a strategy
reads their values from that section of the run's :class:`~sim.engine.params.Params`.

The schema is built once, when :mod:`sim.engine.parameters` is first imported (importing the
:mod:`sim` package does so), from the strategies registered by then: those of this module. So
this module imports, of the parameter modules, only the declaration machinery of
:mod:`sim.engine.fields` at run time; :mod:`sim.engine.parameters` imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from sim.engine.fields import Param, Scaled, param, per_employees
from sim.engine.mechanisms import communities
from sim.engine.state import BY_TIES, ORG_WIDE, Engagement, Status

if TYPE_CHECKING:
    from sim.engine.model import LearningModel
    from sim.engine.params import Params, Section

__all__ = [
    "STRATEGIES",
    "Strategy",
    "describe",
    "invite",
    "make_strategy",
    "register",
]


class Strategy:
    """The control: no official learning network, no facilitation; only unofficial groups.

    Subclasses override :meth:`launch` (called in ``strategy.launch_week``) and :meth:`grow`
    (called every later week). After either, the facilitation budget is shared out.

    Attributes:
        name: Registered name.
        summary: One line saying which practice the strategy represents.
        parameters: The strategy's own parameters, all in the section ``strategy.<name>``; the
            schema takes them from here.
        needs_hierarchy: What the strategy does with reporting lines, if it needs them; an
            organisation without any (nobody has a manager) is refused for it, with this text.
        params: The run's parameter values.
        p: The values of the strategy's own section, or ``None`` if it has no parameters.
    """

    name: ClassVar[str] = "none"
    summary: ClassVar[str] = "Control: no official network; only existing unofficial groups."
    parameters: ClassVar[tuple[Param, ...]] = ()
    needs_hierarchy: ClassVar[str] = ""

    def __init__(self, params: Params) -> None:
        self.params = params
        self.p: Section | None = (params.section(f"strategy.{self.name}") if self.parameters
                                  else None)

    def act(self, model: LearningModel, rng: np.random.Generator) -> None:
        """Launch in the launch week, grow afterwards, then share out the budget."""
        week, start = model.steps, self.params.strategy.launch_week
        if week == start:
            self.launch(model, rng)
        elif week > start:
            self.grow(model, rng, week - start)
        share_budget(model)

    def launch(self, model: LearningModel, rng: np.random.Generator) -> None:
        """Act in the launch week (the control does nothing)."""

    def grow(self, model: LearningModel, rng: np.random.Generator, weeks: int) -> None:
        """Act ``weeks`` weeks after the launch (the control does nothing)."""


STRATEGIES: dict[str, type[Strategy]] = {}


def register(cls: type[Strategy]) -> type[Strategy]:
    """Class decorator that registers a strategy under its ``name``.

    Raises:
        ValueError: If one of the strategy's :attr:`~Strategy.parameters` is not in its section
            ``strategy.<name>``.
    """
    section = f"strategy.{cls.name}"
    wrong = [p.key for p in cls.parameters if p.section != section]
    if wrong:
        raise ValueError(f"strategy {cls.name!r} declares {wrong[0]}, outside its section "
                         f"{section}")
    STRATEGIES[cls.name] = cls
    return cls


register(Strategy)


def make_strategy(params: Params) -> Strategy:
    """Instantiate the strategy named by ``params.strategy.name``."""
    return STRATEGIES[params.strategy.name](params)


def describe() -> list[tuple[str, str, list[str]]]:
    """Name, one-line summary and parameter lines (``key = default: help``) of each strategy."""
    out = []
    for name, cls in STRATEGIES.items():
        lines = [f"{p.name} = {p.default!r}: {p.help}" for p in cls.parameters]
        out.append((name, cls.summary, lines))
    return out


def share_budget(model: LearningModel) -> None:
    """Split ``strategy.facilitation_hours`` evenly over the live official communities.

    Live means in use, not dormant and with at least one member.
    """
    c = model.state.communities
    live = c.used & c.official & (c.status != Status.DORMANT) & (c.size > 0)
    c.hours[:] = 0.0
    if live.any():
        c.hours[live] = model.params.strategy.facilitation_hours / live.sum()


def invite(model: LearningModel, people: np.ndarray, community: int,
           rng: np.random.Generator, personal: bool = False) -> np.ndarray:
    """Invite people to a community; return who was enrolled.

    Invitees become aware. If the community is compulsory everyone is enrolled; otherwise each
    accepts with chance ``participation.invitation_acceptance`` (a general invitation) or
    ``participation.personal_acceptance`` (a personal one from a colleague). One random number
    is drawn per invitee.
    """
    state, params = model.state, model.params
    people = np.asarray(people, dtype=np.int64)
    e = state.employees
    e.engagement[people] = np.maximum(e.engagement[people], Engagement.AWARE)
    compulsory = bool(state.communities.compulsory[community])
    pp = params.participation
    chance = pp.personal_acceptance if personal else pp.invitation_acceptance
    accept = rng.random(people.size) < chance
    joining = people if compulsory else people[accept]
    return communities.enrol(state, params, joining, community, compulsory=compulsory)


def _with_room(model: LearningModel) -> np.ndarray:
    """Mask of employees below their membership cap (who can still join voluntarily)."""
    e = model.state.employees
    return model.state.communities.memberships.count < e.max_memberships


def _official_members(model: LearningModel) -> np.ndarray:
    """Mask of employees who belong to at least one official community."""
    c = model.state.communities
    return c.memberships.in_any(c.used & c.official)


def _most_motivated(model: LearningModel, candidates: np.ndarray) -> int:
    """The candidate with the highest motivation (lowest index on ties), or -1 if none."""
    if candidates.size == 0:
        return -1
    motivation = model.state.employees.motivation[candidates]
    return int(candidates[np.argmax(motivation)])


def _open_network(model: LearningModel, compulsory: bool | None = None) -> int:
    """Launch an official community open to every division; return its index.

    Compulsory when ``compulsory`` says so, else as ``participation.compulsory`` says.
    """
    if compulsory is None:
        compulsory = model.params.participation.compulsory
    return model.launch_community(official=True, scope=ORG_WIDE, compulsory=compulsory).index


def _alive(model: LearningModel, community: int) -> bool:
    """Whether a community a strategy launched still exists and is not dormant."""
    c = model.state.communities
    return bool(c.used[community] and c.official[community]
                and c.status[community] != Status.DORMANT)


def _neighbours(model: LearningModel, people: np.ndarray) -> np.ndarray:
    """Everyone tied to at least one of ``people``, as a boolean mask."""
    mask = np.zeros(model.org.n, bool)
    mask[model.state.ties[np.asarray(people, np.int64)].indices] = True  # the ties are symmetric
    return mask


@register
class SmallGroupsFirst(Strategy):
    """Start with small groups: pilots in chosen clusters, expanding in waves.

    At launch, ``pilot_groups`` official groups open, one per division in turn, each around the
    division's most motivated employee not yet in an official group (where the appetite is) and
    the colleagues tied to them, ``pilot_size`` people in all, invited. Every ``wave_every``
    weeks each group whose energy has reached ``momentum`` spins off a new group around the most
    motivated colleague tied to its members but not in an official group, in that colleague's
    division, up to ``max_groups`` groups. Each group is open to its own division only.
    """

    name = "small_groups_first"
    summary = "Start small: pilot groups in chosen clusters, spinning off new groups in waves."
    parameters = (
        param("strategy.small_groups_first", "pilot_groups", 4, "Pilot communities launched at "
              "the start, one per division in turn.", unit="communities", low=1, high=1000,
              scaled=per_employees(4, 1, 4)),
        param("strategy.small_groups_first", "pilot_size", 12, "People invited to a pilot: the "
              "most motivated employee of the division and the colleagues around them (breadth "
              "first over ties).", unit="people", low=1, high=100_000,
              scaled=Scaled(lambda v: min(max(v["org.employees"] // 8, 3), 12),
                            "scaled with the organisation: an eighth of the employees, at least "
                            "3 and at most 12 (a small group stays small)")),
        param("strategy.small_groups_first", "wave_every", 8, "Weeks between expansion waves.",
              unit="weeks", low=1, high=520),
        param("strategy.small_groups_first", "momentum", 0.4, "Energy a group needs at a wave "
              "to spin off a new group around the most motivated colleague tied to its "
              "members.", unit="0-1", low=0.0, high=1.0),
        param("strategy.small_groups_first", "max_groups", 20, "Most official groups the "
              "strategy runs.", unit="communities", low=1, high=10_000),
    )

    def launch(self, model: LearningModel, rng: np.random.Generator) -> None:
        """Open the pilots."""
        division = model.state.employees.division
        for g in range(min(self.p.pilot_groups, self.p.max_groups)):
            d = g % model.org.n_divisions
            free = ~_official_members(model) & _with_room(model)
            candidates = np.flatnonzero((division == d) & free)
            self._open_group(model, _most_motivated(model, candidates), rng)

    def grow(self, model: LearningModel, rng: np.random.Generator, weeks: int) -> None:
        """Spin off new groups from those with momentum."""
        if weeks % self.p.wave_every:
            return
        c = model.state.communities
        groups = np.flatnonzero(c.used & c.official & (c.status != Status.DORMANT))
        for g in groups[c.energy[groups] >= self.p.momentum]:
            if (c.used & c.official).sum() >= self.p.max_groups:
                return
            near = (_neighbours(model, c.memberships.members_of(g))
                    & ~_official_members(model) & _with_room(model))
            self._open_group(model, _most_motivated(model, np.flatnonzero(near)), rng)

    def _open_group(self, model: LearningModel, seed: int, rng: np.random.Generator) -> None:
        if seed < 0 or model.state.communities.used.all():
            return
        division = model.state.employees.division
        d = int(division[seed])
        group = model.launch_community(official=True, scope=d,
                                       compulsory=model.params.participation.compulsory)
        within = (division == d) & ~_official_members(model)
        within[seed] = True
        cluster = model.org.cluster(seed, self.p.pilot_size, rng, within=within)
        invite(model, cluster, group.index, rng, personal=True)
        communities.enrol(model.state, model.params, np.array([seed]), group.index)


@register
class DivisionNetworks(Strategy):
    """One network per division, all at once: every unit gets its own community.

    At launch each division gets an official community open to that division only, and
    everyone in the division is invited (or, with ``participation.compulsory``, enrolled).
    Between starting small and starting wide: broad within units, siloed between them. With one
    division of n people it is March's (1991) organisation with its code; with many divisions
    and no ties between them, many such organisations side by side.
    """

    name = "division_networks"
    summary = "One network per division at once: broad within units, separate between them."

    def launch(self, model: LearningModel, rng: np.random.Generator) -> None:
        """Open one community per division and invite its people."""
        division = model.state.employees.division
        compulsory = model.params.participation.compulsory
        for d in range(model.org.n_divisions):
            if model.state.communities.used.all():
                return
            community = model.launch_community(official=True, scope=d, compulsory=compulsory)
            invite(model, np.flatnonzero(division == d), community.index, rng)


@register
class OrgWideFirst(Strategy):
    """Start organisation-wide: one network for everyone, sub-groups when demand appears.

    At launch one official community open to every division opens and everyone is invited.
    Every ``wave_every`` weeks, each division with at least ``subgroup_demand`` contributors in
    the network and no sub-group yet gets an official sub-group open to that division; the
    network's members from that division are invited to it.
    """

    name = "org_wide_first"
    summary = "Start organisation-wide: one network for all, sub-groups spun off on demand."
    parameters = (
        param("strategy.org_wide_first", "subgroup_demand", 8, "Contributors of one division in "
              "the network that make it spin off a sub-group for that division.", unit="people",
              low=1, high=100_000),
        param("strategy.org_wide_first", "wave_every", 8, "Weeks between checks for sub-group "
              "demand.", unit="weeks", low=1, high=520),
    )

    def launch(self, model: LearningModel, rng: np.random.Generator) -> None:
        """Open the network and invite everyone."""
        self.network = _open_network(model)
        invite(model, np.arange(model.org.n), self.network, rng)

    def grow(self, model: LearningModel, rng: np.random.Generator, weeks: int) -> None:
        """Spin off division sub-groups where contributors have gathered."""
        if weeks % self.p.wave_every or not _alive(model, self.network):
            return
        state = model.state
        c, e = state.communities, state.employees
        in_network = c.memberships.mask_of(self.network)
        contributing = in_network & (e.engagement >= Engagement.CONTRIBUTOR)
        demand = np.bincount(e.division[contributing], minlength=model.org.n_divisions)
        served = set(c.scope[c.used & c.official & (c.scope >= 0)].tolist())
        for d in np.flatnonzero(demand >= self.p.subgroup_demand):
            if int(d) in served or not (~c.used).any():
                continue
            sub = model.launch_community(official=True, scope=int(d),
                                         compulsory=model.params.participation.compulsory)
            invite(model, np.flatnonzero(in_network & (e.division == d)), sub.index, rng)


@register
class CoOptExisting(Strategy):
    """Find where the energy is: bring the most energetic unofficial groups in as sub-groups.

    At launch the ``groups`` most energetic live unofficial groups become official (facilitated)
    sub-groups; being official, they are announced, so anyone may now find and join them. With
    ``umbrella``, an organisation-wide network opens around them and their members are invited
    to it; others hear of it through communications and word of mouth.
    """

    name = "co_opt_existing"
    summary = "Find where the energy is: co-opt the most energetic unofficial groups."
    parameters = (
        param("strategy.co_opt_existing", "groups", 3, "The most energetic unofficial groups "
              "brought in as official sub-groups at launch.", unit="groups", low=1, high=1000),
        param("strategy.co_opt_existing", "umbrella", True, "Whether an organisation-wide "
              "network is launched around the co-opted groups (their members are invited to "
              "it)."),
    )

    def launch(self, model: LearningModel, rng: np.random.Generator) -> None:
        """Co-opt the groups and open the umbrella network."""
        c = model.state.communities
        unofficial = np.flatnonzero(c.used & ~c.official & (c.scope == BY_TIES)
                                    & (c.status != Status.DORMANT))
        chosen = unofficial[np.argsort(-c.energy[unofficial], kind="stable")][: self.p.groups]
        c.official[chosen] = True
        if self.p.umbrella and (~c.used).any():
            picked = np.zeros(c.capacity, bool)
            picked[chosen] = True
            members = np.flatnonzero(c.memberships.in_any(picked))
            invite(model, members, _open_network(model), rng)


@register
class BoundarySpannersFirst(Strategy):
    """Start with the boundary spanners: they carry the network across divisions.

    At launch an organisation-wide network opens and the boundary spanners are invited. Every
    ``wave_every`` weeks the spanners who participate invite their colleagues (everyone tied to
    them who is not yet in an official community).
    """

    name = "boundary_spanners_first"
    summary = "Start with boundary spanners, who then invite their colleagues in waves."
    parameters = (
        param("strategy.boundary_spanners_first", "wave_every", 4, "Weeks between waves in "
              "which participating boundary spanners invite their colleagues.", unit="weeks",
              low=1, high=520),
    )

    def launch(self, model: LearningModel, rng: np.random.Generator) -> None:
        """Open the network and invite the spanners."""
        self.network = _open_network(model)
        invite(model, np.flatnonzero(model.state.employees.is_spanner), self.network, rng,
               personal=True)

    def grow(self, model: LearningModel, rng: np.random.Generator, weeks: int) -> None:
        """Participating spanners invite their colleagues."""
        if weeks % self.p.wave_every or not _alive(model, self.network):
            return
        e = model.state.employees
        carriers = np.flatnonzero(e.is_spanner & e.participating)
        invited = _neighbours(model, carriers) & ~_official_members(model)
        invite(model, np.flatnonzero(invited), self.network, rng, personal=True)


@register
class LeaderCascade(Strategy):
    """Top-down and compulsory: leaders enrol, then each level enrols the one below.

    At launch an organisation-wide network opens as compulsory and the division heads are
    enrolled. Every ``cascade_every`` weeks the next level of the hierarchy is enrolled, until
    everyone is a member ("a box to check"): membership is certain, motivation suffers
    (``participation.compulsion_penalty``).
    """

    name = "leader_cascade"
    summary = "Top-down cascade: leaders first, each level enrolled compulsorily in turn."
    needs_hierarchy = ("it enrols the hierarchy level by level, so without reporting lines it "
                       "would enrol everyone in its first week")
    parameters = (
        param("strategy.leader_cascade", "cascade_every", 4, "Weeks between cascade steps: each "
              "step enrols the next level of the hierarchy.", unit="weeks", low=1, high=520),
    )

    def launch(self, model: LearningModel, rng: np.random.Generator) -> None:
        """Open the compulsory network and enrol the heads."""
        self.network = _open_network(model, compulsory=True)
        self.depth = model.org.depth
        invite(model, np.flatnonzero(self.depth == 0), self.network, rng)

    def grow(self, model: LearningModel, rng: np.random.Generator, weeks: int) -> None:
        """Enrol the next level."""
        if weeks % self.p.cascade_every or not _alive(model, self.network):
            return
        level = weeks // self.p.cascade_every
        invite(model, np.flatnonzero(self.depth == level), self.network, rng)
