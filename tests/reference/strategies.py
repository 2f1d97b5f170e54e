"""The reference model's rollout strategies, person by person (``sim.engine.strategies``).

A strategy acts at the start of each week: in ``strategy.launch_week`` it launches, in every
later week it may grow, and then it shares the facilitation budget evenly over its live official
communities. Supported: the control ``none``, ``org_wide_first`` and ``small_groups_first`` with
any values of their own parameters.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, ClassVar

from tests.reference.agents import AWARE, CONTRIBUTOR, DORMANT, ORG_WIDE, Community, Person

if TYPE_CHECKING:
    from sim.engine.params import Params
    from tests.reference.model import ReferenceModel

__all__ = ["STRATEGIES", "NoStrategy", "OrgWideFirst", "SmallGroupsFirst", "make_strategy"]


class NoStrategy:
    """The control: no official network; only the existing unofficial groups
    (``strategies.Strategy``)."""

    name: ClassVar[str] = "none"

    def __init__(self, params: Params) -> None:
        self.params = params
        self.launch_week = int(params.strategy.launch_week)
        self.hours = float(params.strategy.facilitation_hours)

    def act(self, model: ReferenceModel) -> None:
        """Launch in the launch week, grow afterwards, then share out the budget."""
        week = model.steps
        if week == self.launch_week:
            self.launch(model)
        elif week > self.launch_week:
            self.grow(model, week - self.launch_week)
        self.share_budget(model)

    def launch(self, model: ReferenceModel) -> None:
        """Act in the launch week (the control does nothing)."""

    def grow(self, model: ReferenceModel, weeks: int) -> None:
        """Act ``weeks`` weeks after the launch (the control does nothing)."""

    def share_budget(self, model: ReferenceModel) -> None:
        """Split ``strategy.facilitation_hours`` evenly over the official communities that are
        not dormant and have members (``strategies.share_budget``)."""
        live = [c for c in model.communities()
                if c.official and c.status != DORMANT and c.size > 0]
        for community in model.communities():
            community.hours = self.hours / len(live) if community in live else 0.0


def invite(model: ReferenceModel, people: list[Person], community: Community,
           personal: bool = False) -> None:
    """Invite people to a community (``strategies.invite``).

    Each invitee becomes aware and accepts with chance ``participation.invitation_acceptance``
    (a general invitation) or ``participation.personal_acceptance`` (a personal one); one who
    accepts joins if below their membership cap.
    """
    pp = model.pp
    chance = pp.personal_acceptance if personal else pp.invitation_acceptance
    rand = model.random.random
    for person in people:
        person.engagement = max(person.engagement, AWARE)
        if rand() < chance:
            person.enrol(community)


def in_official(person: Person) -> bool:
    """Whether ``person`` belongs to an official community."""
    return any(c.official for c in person.communities)


def most_motivated(candidates: list[Person]) -> Person | None:
    """The candidate with the highest motivation (the lowest position on ties), or ``None``."""
    best: Person | None = None
    for person in candidates:
        if best is None or person.motivation > best.motivation:
            best = person
    return best


class OrgWideFirst(NoStrategy):
    """One network for everyone, division sub-groups when demand appears
    (``strategies.OrgWideFirst``).

    At launch an official community open to every division opens and everyone is invited. Every
    ``wave_every`` weeks, while the network lives, each division with at least
    ``subgroup_demand`` contributors in the network and no official sub-group yet gets one; the
    network's members from that division are invited to it.
    """

    name = "org_wide_first"

    def __init__(self, params: Params) -> None:
        super().__init__(params)
        own = params.section("strategy.org_wide_first")
        self.subgroup_demand = int(own.subgroup_demand)
        self.wave_every = int(own.wave_every)
        self.network: Community | None = None

    def launch(self, model: ReferenceModel) -> None:
        """Open the network and invite everyone."""
        self.network = model.launch_community(official=True, scope=ORG_WIDE)
        invite(model, model.people, self.network)

    def grow(self, model: ReferenceModel, weeks: int) -> None:
        """Spin off division sub-groups where contributors have gathered."""
        network = self.network
        if weeks % self.wave_every or network is None or not model.alive(network):
            return
        demand = [0] * model.org.n_divisions
        for person in network.members:
            if person.engagement >= CONTRIBUTOR:
                demand[person.division] += 1
        served = {c.scope for c in model.communities() if c.official and c.scope >= 0}
        for division, contributors in enumerate(demand):
            if contributors < self.subgroup_demand or division in served:
                continue
            if model.free_slot() is None:
                continue
            sub = model.launch_community(official=True, scope=division)
            invite(model, [p for p in network.members if p.division == division], sub)


class SmallGroupsFirst(NoStrategy):
    """Pilot groups around motivated people, spinning off new groups in waves
    (``strategies.SmallGroupsFirst``).

    At launch ``pilot_groups`` groups open, one per division in turn, each around the division's
    most motivated employee not in an official community (with room for one more) and the
    colleagues found breadth first from them, ``pilot_size`` people in all, invited personally.
    Every ``wave_every`` weeks each live official group whose energy has reached ``momentum``
    spins off a new group around the most motivated colleague tied to its members who is not
    in an official community, up to ``max_groups`` official groups. Each group is open to its
    own division.
    """

    name = "small_groups_first"

    def __init__(self, params: Params) -> None:
        super().__init__(params)
        own = params.section("strategy.small_groups_first")
        self.pilot_groups = int(own.pilot_groups)
        self.pilot_size = int(own.pilot_size)
        self.wave_every = int(own.wave_every)
        self.momentum = float(own.momentum)
        self.max_groups = int(own.max_groups)

    def launch(self, model: ReferenceModel) -> None:
        """Open the pilots."""
        for g in range(min(self.pilot_groups, self.max_groups)):
            division = g % model.org.n_divisions
            candidates = [p for p in model.people
                          if p.division == division and not in_official(p) and p.has_room]
            self.open_group(model, most_motivated(candidates))

    def grow(self, model: ReferenceModel, weeks: int) -> None:
        """Spin off new groups from those with momentum."""
        if weeks % self.wave_every:
            return
        groups = [c for c in model.communities()
                  if c.official and c.status != DORMANT and c.energy >= self.momentum]
        for group in groups:
            if sum(c.official for c in model.communities()) >= self.max_groups:
                return
            near: dict[Person, None] = {}
            for member in group.members:
                for colleague in member.colleagues:
                    near[colleague] = None
            candidates = sorted((p for p in near if not in_official(p) and p.has_room),
                                key=lambda p: p.index)
            self.open_group(model, most_motivated(candidates))

    def open_group(self, model: ReferenceModel, seed: Person | None) -> None:
        """Launch a group around ``seed`` in their division and invite the cluster around them;
        the seed joins."""
        if seed is None or model.free_slot() is None:
            return
        group = model.launch_community(official=True, scope=seed.division)
        allowed = [p.division == seed.division and not in_official(p) for p in model.people]
        allowed[seed.index] = True
        cluster = sorted(self.cluster(model, seed, allowed), key=lambda p: p.index)
        invite(model, cluster, group, personal=True)
        seed.enrol(group)

    def cluster(self, model: ReferenceModel, seed: Person, allowed: list[bool]) -> list[Person]:
        """Up to ``pilot_size`` people found breadth first over the ties from ``seed``, each
        person's colleagues visited in random order (``Organisation.cluster``)."""
        visited = [not a for a in allowed]
        visited[seed.index] = True
        found, queue = [seed], deque([seed])
        while queue and len(found) < self.pilot_size:
            person = queue.popleft()
            colleagues = list(person.colleagues)
            model.random.shuffle(colleagues)
            for colleague in colleagues:
                if len(found) >= self.pilot_size:
                    break
                if not visited[colleague.index]:
                    visited[colleague.index] = True
                    found.append(colleague)
                    queue.append(colleague)
        return found


STRATEGIES: dict[str, type[NoStrategy]] = {
    cls.name: cls for cls in (NoStrategy, OrgWideFirst, SmallGroupsFirst)
}
"""The strategies the reference supports, by name."""


def make_strategy(params: Params) -> NoStrategy:
    """The reference strategy named by ``params.strategy.name``."""
    return STRATEGIES[params.strategy.name](params)
