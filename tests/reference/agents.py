"""The reference model's agents: one :class:`Person` per employee, one :class:`Community` each.

Every agent keeps its state in plain Python attributes (ints, floats, lists) and applies the
engine's rules to itself, one agent at a time. The engine updates synchronously within a phase
(every decision is drawn from the state at the start of the phase and applied when the phase
ends), so each phase here is split into a *decide* method, which only reads, and an *apply*
method, which the model calls once every agent has decided.

The constants below restate those of the engine (named in each docstring) so that the
reference does not read the engine's rules from the engine.
"""

from __future__ import annotations

from operator import eq, mul
from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from tests.reference.model import ReferenceModel

__all__ = [
    "ACTIVE",
    "AWARE",
    "BASE_ATTRACTION",
    "BY_TIES",
    "CHAMPION",
    "CHAMPION_WEIGHT",
    "CONTRIBUTOR",
    "DORMANT",
    "FORMING",
    "LURKER",
    "ORG_WIDE",
    "UNAWARE",
    "Community",
    "Person",
]

# Rungs of the engagement ladder (sim.engine.state.Engagement).
UNAWARE, AWARE, LURKER, CONTRIBUTOR, CHAMPION = range(5)
# Life-cycle status of a community (sim.engine.state.Status).
FORMING, ACTIVE, DORMANT = range(3)

ORG_WIDE = -1
"""Scope of a community open to every division (``sim.engine.state.ORG_WIDE``)."""
BY_TIES = -2
"""Scope of an unofficial group, found through ties to its members
(``sim.engine.state.BY_TIES``)."""
BASE_ATTRACTION = 0.01
"""Weight added to a community's energy when a member picks the community they turn to
(``sim.engine.mechanisms.participation.BASE_ATTRACTION``)."""
CHAMPION_WEIGHT = 2.0
"""How many contributions a champion's counts as at a meeting
(``sim.engine.mechanisms.participation.CHAMPION_WEIGHT``)."""


def _sign(x: float) -> int:
    """-1, 0 or +1."""
    return (x > 0) - (x < 0)


def _clip(x: float, low: float = 0.0, high: float = 1.0) -> float:
    """``x`` limited to ``[low, high]``."""
    return min(high, max(low, x))


class Community(mesa.Agent):
    """A community of practice or an unofficial group.

    Mirrors one slot of ``sim.engine.state.Communities`` and the per-community rules of
    ``sim.engine.mechanisms.communities`` (status, schedule, energy, dormancy) and
    ``sim.engine.mechanisms.code`` (the code learns from its superior contributors).

    Attributes:
        slot: Position among the model's community slots (the first free one at launch).
        official: Whether the organisation backs it (facilitated, announced).
        scope: A division, :data:`ORG_WIDE` or :data:`BY_TIES`.
        cadence: Weeks between meetings.
        created: Week of the launch; meetings fall on weeks ``created + k * cadence``.
        energy: Momentum, 0-1.
        hours: Facilitator hours this week.
        status: :data:`FORMING`, :data:`ACTIVE` or :data:`DORMANT`.
        low_weeks: Consecutive weeks with energy below the dormancy threshold.
        code: The curated repository, one value in {-1, 0, +1} per dimension.
        members: The members, in the order they joined (a dict used as an ordered set).
        meets: Whether it meets this week.
        attendees: Who meets with it this week.
        contributions: Contributions made at this week's meeting.
    """

    model: ReferenceModel

    def __init__(self, model: ReferenceModel, slot: int, *, official: bool, scope: int,
                 energy: float, cadence: int, created: int) -> None:
        super().__init__(model)
        self.slot = slot
        self.official = official
        self.scope = scope
        self.cadence = cadence
        self.created = created
        self.energy = energy
        self.hours = 0.0
        self.status = FORMING
        self.low_weeks = 0
        self.code = [0] * model.dimensions
        self.members: dict[Person, None] = {}
        self.meets = False
        self.attendees: list[Person] = []
        self.contributions = 0.0

    @property
    def size(self) -> int:
        """Number of members."""
        return len(self.members)

    @property
    def live(self) -> bool:
        """Not dormant (a closed community is no longer among the model's communities)."""
        return self.status != DORMANT

    def open_to(self, person: Person) -> bool:
        """Whether ``person`` may join on their own (``communities.open_to``).

        Official communities are open to their scope; unofficial groups to whoever has a tie
        to a member (the caller checks the tie); dormant communities to nobody.
        """
        in_scope = self.scope in (ORG_WIDE, BY_TIES) or self.scope == person.division
        return in_scope and self.live

    def refresh_status(self) -> None:
        """Forming below ``community.min_members`` members, else active; dormant stays
        dormant (``communities.refresh_status``)."""
        if self.status != DORMANT:
            self.status = ACTIVE if self.size >= self.model.cp.min_members else FORMING

    def schedule(self, week: int) -> None:
        """Meet this week if active and the cadence falls due
        (``communities.schedule_meetings``)."""
        self.meets = self.status == ACTIVE and (week - self.created) % self.cadence == 0

    def hold_meeting(self, attendees: list[Person]) -> None:
        """Record who attended and count their contributions: contributors once, champions
        :data:`CHAMPION_WEIGHT` times (``participation.hold_meetings``)."""
        self.attendees = attendees
        self.contributions = 0.0
        for seat, person in enumerate(attendees):
            person.seat = seat
            if person.engagement == CHAMPION:
                self.contributions += CHAMPION_WEIGHT
            elif person.engagement == CONTRIBUTOR:
                self.contributions += 1.0

    def update_energy(self) -> bool:
        """This week's energy, dormancy and revival (``communities.update_energy``).

        ``E <- clip(E (1 - decay) + gain * contributions / members + facilitation, 0, 1)`` with
        ``facilitation = facilitation_energy * min(1, hours / (members * hours_per_member))``
        unless dormant.

        Returns:
            Whether the community closes: dormant and without members.
        """
        cp = self.model.cp
        members = self.size
        size = max(members, 1)
        coverage = min(1.0, self.hours / (size * cp.hours_per_member))
        facilitation = cp.facilitation_energy * coverage if self.status != DORMANT else 0.0
        self.energy = _clip(self.energy * (1.0 - cp.energy_decay)
                            + cp.energy_gain * self.contributions / size + facilitation)
        self.low_weeks = self.low_weeks + 1 if self.energy < cp.dormancy_threshold else 0
        if self.low_weeks >= cp.dormancy_weeks:
            self.status = DORMANT
        if self.status == DORMANT and self.energy >= 2 * cp.dormancy_threshold:
            self.status = FORMING
        return self.status == DORMANT and members == 0

    def learn_code(self) -> None:
        """Learn from the superior group of this week's meeting (``code.code_learning_step``).

        The superior group is the attendees at contributor or above whose score this week beat
        the code's (``sum(code * reality)``). On each dimension they vote with this week's
        actions; where the majority differs from the code, the code adopts it with chance
        ``1 - (1 - p2) ** k``, ``k`` being the majority minus the minority.
        """
        model = self.model
        rand = model.random.random
        reality, code = model.reality, self.code
        code_score = sum(map(mul, code, reality))
        superior = [p for p in self.attendees
                    if p.engagement >= CONTRIBUTOR and p.score > code_score]
        if not superior:
            return
        keep = 1.0 - model.kp.code_learning_rate
        for d in range(model.dimensions):
            margin = sum(p.actions[d] for p in superior)
            majority = _sign(margin)
            if majority != 0 and majority != code[d] and rand() < 1.0 - keep ** abs(margin):
                code[d] = majority


class Person(mesa.Agent):
    """An employee position and the person who holds it.

    Mirrors one row of ``sim.engine.state.Employees`` and the per-person rules of
    ``sim.engine.mechanisms.participation`` (awareness, joining, the engagement ladder,
    attendance, fatigue), ``sim.engine.mechanisms.exchange`` (acting, learning from a
    colleague, a meeting, a code and the standards), ``sim.engine.mechanisms.exploration`` and
    ``sim.engine.mechanisms.environment`` (turnover).

    Attributes:
        index: The position, 0..n-1 (the organisation's employee index).
        division: Division of the position.
        is_spanner: Whether the position has the boundary-spanner role.
        max_memberships: Most communities the person joins by choice.
        colleagues: The people the position has ties to, in the organisation's tie order.
        trust: The trust on each of those ties.
        tie_strength: Summed trust of the ties.
        person_id: Who holds the position (a newcomer gets a new id).
        beliefs: One value in {-1, 0, +1} per practice dimension.
        engagement: Rung on the engagement ladder, :data:`UNAWARE` .. :data:`CHAMPION`.
        motivation: Motivation to take part, 0-1.
        fatigue: Fatigue from meetings, 0-1.
        threshold: Share of engaged ties at which the person joins (complex contagion).
        communities: The communities the person belongs to, in slot order.
        primary: The community they turn to this week, or ``None``.
        attending: The community they meet with this week, or ``None``.
        seat: Their place among the attendees of that meeting.
        actions: What they did on each dimension this week.
        score: Score of this week's actions, ``sum(action * reality)``.
        saw_better: Whether the colleague they looked at this week scored better.
    """

    model: ReferenceModel

    def __init__(self, model: ReferenceModel, index: int, division: int,
                 is_spanner: bool) -> None:
        super().__init__(model)
        pp = model.pp
        self.index = index
        self.division = division
        self.is_spanner = is_spanner
        self.max_memberships = pp.spanner_max_memberships if is_spanner else pp.max_memberships
        self.colleagues: list[Person] = []
        self.trust: list[float] = []
        self.tie_strength = 0.0
        self.person_id = index
        self.beliefs: list[int] = []
        self.engagement = UNAWARE
        self.motivation = 0.0
        self.fatigue = 0.0
        self.threshold = 0.0
        self.communities: list[Community] = []
        self.primary: Community | None = None
        self.attending: Community | None = None
        self.seat = 0
        self.actions: list[int] = []
        self.score = 0
        self.saw_better = False
        # Decisions of the current phase, applied when every person has decided.
        self._aware = self._climbs = self._lapses = self._drops = False
        self._exits: list[Community] = []
        self._target: Community | None = None
        self._beliefs: list[int] = []
        self.draw_fresh_person()

    # --- who holds the position ---------------------------------------------------------------

    def draw_fresh_person(self) -> None:
        """Beliefs, motivation and threshold of someone new (``state.random_beliefs``,
        ``state.draw_motivation``, ``state.draw_thresholds``).

        Beliefs are -1, 0 or +1 with equal chance; motivation is Beta distributed with mean
        ``initial_motivation`` and concentration ``motivation_concentration``; the threshold is
        normal, clipped at 0.
        """
        model, pp = self.model, self.model.pp
        rng = model.random
        self.beliefs = [rng.randrange(3) - 1 for _ in range(model.dimensions)]
        mean, concentration = pp.initial_motivation, pp.motivation_concentration
        self.motivation = rng.betavariate(mean * concentration, (1.0 - mean) * concentration)
        self.threshold = max(0.0, rng.gauss(pp.threshold_mean, pp.threshold_sd))

    def maybe_leave(self) -> bool:
        """Turnover (``environment.turnover_step``): leave with chance ``environment.turnover``.

        A newcomer takes the position: fresh beliefs (onboarding teaches each standardised
        dimension with chance ``standards.onboarding``), motivation and threshold; unaware, no
        memberships, no fatigue.

        Returns:
            Whether the position changed hands.
        """
        model = self.model
        rand = model.random.random
        if rand() >= model.env.turnover:
            return False
        self.leave_all()
        self.draw_fresh_person()
        for d, standard in enumerate(model.standards):
            if standard != 0 and rand() < model.sp.onboarding:
                self.beliefs[d] = standard
        self.engagement = UNAWARE
        self.fatigue = 0.0
        self.person_id = model.next_person_id
        model.next_person_id += 1
        return True

    # --- memberships ----------------------------------------------------------------------------

    @property
    def participating(self) -> bool:
        """At lurker or above."""
        return self.engagement >= LURKER

    @property
    def engaged(self) -> bool:
        """Sends the social signal: a member by choice, or a contributor
        (``participation.engaged``; every membership here is by choice)."""
        return bool(self.communities) or self.engagement >= CONTRIBUTOR

    @property
    def has_room(self) -> bool:
        """Below the membership cap."""
        return len(self.communities) < self.max_memberships

    def join(self, community: Community) -> None:
        """Become a member of ``community`` and at least a lurker."""
        self.communities.append(community)
        self.communities.sort(key=lambda c: c.slot)
        community.members[self] = None
        self.engagement = max(self.engagement, LURKER)

    def leave(self, community: Community) -> None:
        """Leave one community."""
        self.communities.remove(community)
        del community.members[self]

    def leave_all(self) -> None:
        """Leave every community and step back to aware (``communities.leave``)."""
        for community in self.communities:
            del community.members[self]
        self.communities = []
        self.engagement = min(self.engagement, AWARE)

    def enrol(self, community: Community) -> bool:
        """Join ``community`` if there is room and not yet a member (``communities.enrol``,
        voluntary).

        Returns:
            Whether the person joined.
        """
        if not self.has_room or self in community.members:
            return False
        self.join(community)
        return True

    # --- participation (phase 3) ------------------------------------------------------------------

    def choose_attendance(self) -> None:
        """Pick the community to turn to this week and whether to meet with it
        (``participation.choose_attendance``).

        The community is picked in proportion to its energy plus :data:`BASE_ATTRACTION`; if it
        meets, the person attends with chance ``1 - w (1 - motivation (1 - fatigue))``.
        """
        self.primary = self.attending = None
        if not self.communities:
            return
        rand = self.model.random.random
        weights = [c.energy + BASE_ATTRACTION for c in self.communities]
        self.primary = self.communities[_pick(weights, rand())]
        willing = 1.0 - self.model.pp.attendance_motivation * (
            1.0 - self.motivation * (1.0 - self.fatigue))
        if self.primary.meets and rand() < willing:
            self.attending = self.primary

    def engaged_signal(self) -> tuple[float, int]:
        """Trust-weighted share and number of ties to engaged colleagues
        (``participation.engaged_share``); the share is 0 without ties."""
        weighted, count = 0.0, 0
        for colleague, trust in zip(self.colleagues, self.trust, strict=True):
            if colleague.engaged:
                weighted += trust
                count += 1
        share = weighted / self.tie_strength if self.tie_strength > 0 else 0.0
        return share, count

    def joining_hazard(self, share: float, count: int) -> float:
        """Weekly chance of joining, complex contagion on the share of engaged ties
        (``participation.joining_hazard``): ``p + join_rate`` once the share reaches the
        threshold with at least one engaged tie, else ``p``."""
        pp = self.model.pp
        over = share >= self.threshold and count > 0
        return _clip(pp.spontaneous_join_rate + pp.join_rate * over)

    def choose_target(self) -> Community | None:
        """The community a joiner joins (``participation.choose_targets``).

        Among the live communities open to the person that they do not belong to, picked in
        proportion to their exposure (summed trust of their ties to its members) plus
        ``official_pull`` for an official one; an unofficial group needs some exposure.
        """
        exposure: dict[Community, float] = {}
        for colleague, trust in zip(self.colleagues, self.trust, strict=True):
            for community in colleague.communities:
                exposure[community] = exposure.get(community, 0.0) + trust
        options, weights = [], []
        pull = self.model.pp.official_pull
        for community in self.model.communities():
            if self in community.members or not community.open_to(self):
                continue
            seen = exposure.get(community, 0.0)
            if community.official:
                weight = seen + pull
            elif seen > 0:
                weight = seen
            else:
                continue
            if weight > 0:
                options.append(community)
                weights.append(weight)
        if not options:
            return None
        return options[_pick(weights, self.model.random.random())]

    def contribute_chance(self) -> float:
        """Weekly chance that a lurker starts contributing (``participation_step``):
        ``contribute_rate * m_eff * safety (1 - competitiveness) * (0.5 + energy / 2)
        / (1 + members / loafing_size)`` for the community they turn to this week."""
        model = self.model
        culture = model.culture
        energy = self.primary.energy if self.primary is not None else 0.0
        size = self.primary.size if self.primary is not None else 0
        loafing = 1.0 / (1.0 + size / model.cp.loafing_size)
        climate = culture.psychological_safety * (1.0 - culture.competitiveness)
        return model.pp.contribute_rate * self.effective_motivation * climate * (
            0.5 + 0.5 * energy) * loafing

    @property
    def effective_motivation(self) -> float:
        """``motivation * (1 - fatigue)``."""
        return self.motivation * (1.0 - self.fatigue)

    def decide_participation(self, network_exists: bool) -> None:
        """Draw this week's participation decisions from the state as it is
        (``participation.participation_step``).

        Awareness (official communications while an official network exists, word of mouth),
        dropping out, climbing or else lapsing a rung, leaving dormant communities, and joining
        (by the contagion hazard) a community picked by :meth:`choose_target`.
        """
        model = self.model
        pp, rand = model.pp, model.random.random
        m_eff = self.effective_motivation
        share, count = self.engaged_signal()
        rung = self.engagement

        official = pp.awareness_rate if network_exists else 0.0
        p_aware = 1.0 - (1.0 - official) * (1.0 - pp.word_of_mouth * share)
        self._aware = rung == UNAWARE and rand() < p_aware

        self._drops = self._climbs = self._lapses = False
        if rung >= LURKER:
            self._drops = rand() < pp.dropout_rate * (1.0 - m_eff)
        if rung >= LURKER and not self._drops:
            if rung == LURKER:
                self._climbs = rand() < self.contribute_chance()
            elif rung == CONTRIBUTOR:
                self._climbs = rand() < (pp.champion_rate * m_eff
                                         * model.culture.recognition)
            if rung >= CONTRIBUTOR and not self._climbs:
                self._lapses = rand() < pp.lapse_rate * (1.0 - m_eff)

        exit_rate = model.cp.dormant_exit_rate
        self._exits = [c for c in self.communities
                       if c.status == DORMANT and rand() < exit_rate]

        self._target = None
        if rung >= AWARE and self.has_room and not self._drops:
            if rand() < self.joining_hazard(share, count):
                self._target = self.choose_target()

    def apply_participation(self) -> None:
        """Apply this week's decisions, in the engine's order: awareness, climbing, lapsing,
        leaving dormant communities, dropping out, joining; a participant left without a
        community steps back to aware."""
        if self._aware:
            self.engagement = AWARE
        if self._climbs:
            self.engagement += 1
        if self._lapses:
            self.engagement -= 1
        for community in self._exits:
            self.leave(community)
        if self._drops:
            self.leave_all()
        if self._target is not None:
            self.join(self._target)
        if self.engagement >= LURKER and not self.communities:
            self.leave_all()

    def confirm_attendance(self) -> None:
        """Forget this week's community if the person no longer belongs to it
        (``participation.hold_meetings``)."""
        if self.primary is not None and self not in self.primary.members:
            self.primary = self.attending = None

    def recover(self) -> None:
        """Recognition raises a contributor's motivation; fatigue wears off and builds with the
        meeting attended (``participation.participation_step``)."""
        pp = self.model.pp
        if self.engagement >= CONTRIBUTOR:
            self.motivation += (pp.recognition_gain * self.model.culture.recognition
                                * (1.0 - self.motivation))
        met = pp.fatigue_per_meeting if self.attending is not None else 0.0
        self.fatigue = _clip(self.fatigue * (1.0 - pp.fatigue_recovery) + met)

    # --- knowledge exchange (phase 4) -------------------------------------------------------------

    def act(self) -> None:
        """Act on one's beliefs, guessing where a belief is 0; score the actions
        (``exchange.act``, ``World.score``)."""
        rand = self.model.random.random
        self.actions = [b if b != 0 else (1 if rand() < 0.5 else -1) for b in self.beliefs]
        self.score = sum(map(mul, self.actions, self.model.reality))

    def pick_colleague(self) -> tuple[Person | None, float]:
        """One colleague on the work ties, picked in proportion to trust
        (``sampling.sample_neighbour``), and the trust on that tie."""
        if self.tie_strength <= 0:
            return None, 0.0
        k = _pick(self.trust, self.model.random.random())
        return self.colleagues[k], self.trust[k]

    def peer_rate(self, trust: float) -> float:
        """Chance per dimension of moving toward a better-scoring colleague on a tie:
        ``peer_learning_rate * trust * safety * (1 - competitiveness)``."""
        model = self.model
        culture = model.culture
        return (model.kp.peer_learning_rate * trust * culture.psychological_safety
                * (1.0 - culture.competitiveness))

    def meeting_rate(self) -> float:
        """Chance per dimension of moving toward a better-scoring contributor met at a meeting:
        ``meeting_learning_rate * safety``."""
        return self.model.kp.meeting_learning_rate * self.model.culture.psychological_safety

    def shares_at_meetings(self) -> bool:
        """Whether others learn from this person when they meet: contributors and champions."""
        return self.engagement >= CONTRIBUTOR

    def meeting_partner(self) -> Person | None:
        """Another attendee of this week's meeting, picked uniformly
        (``sampling.pick_in_groups``); ``None`` if the person met alone or did not attend."""
        if self.attending is None:
            return None
        others = len(self.attending.attendees) - 1
        if others <= 0:
            return None
        k = int(self.model.random.random() * others)
        return self.attending.attendees[k + (k >= self.seat)]

    def _learn_from(self, theirs: list[int], rate: float, push: dict[int, int]) -> bool:
        """Add the proposals to move toward ``theirs`` to ``push``; return whether any was made.

        On each dimension where the source holds a belief other than one's own, a step toward
        it is proposed with chance ``rate`` (``exchange._learn_from``).
        """
        rand = self.model.random.random
        learned = False
        for d, (mine, their) in enumerate(zip(self.beliefs, theirs, strict=True)):
            if their != 0 and their != mine and rand() < rate:
                push[d] = push.get(d, 0) + (1 if their > mine else -1)
                learned = True
        return learned

    def decide_learning(self) -> tuple[int, int]:
        """Draw this week's belief changes from the beliefs as they are
        (``exchange.exchange_step``).

        Proposals come from one colleague on a tie (if they scored better), one attendee of the
        meeting (if a contributor who scored better), the code of the community turned to
        (``p1``, times ``reading_socialisation`` without a meeting) and the standards
        (``formal_learning_rate``). Each dimension then moves one step in the direction most
        proposals point to.

        Returns:
            ``(within, total)``: person-to-person exchanges that moved a belief, those within
            the person's division and all of them (the silo index).
        """
        model = self.model
        rand = model.random.random
        push: dict[int, int] = {}  # dimension -> proposals up minus proposals down
        within = total = 0

        colleague, trust = self.pick_colleague()
        self.saw_better = colleague is not None and colleague.score > self.score
        if colleague is not None and self.saw_better:
            if self._learn_from(colleague.beliefs, self.peer_rate(trust), push):
                total += 1
                within += colleague.division == self.division

        partner = self.meeting_partner()
        if (partner is not None and partner.shares_at_meetings()
                and partner.score > self.score):
            if self._learn_from(partner.beliefs, self.meeting_rate(), push):
                total += 1
                within += partner.division == self.division

        if self.primary is not None:
            kp = model.kp
            rate = kp.socialisation_rate * (1.0 if self.attending is not None
                                            else kp.reading_socialisation)
            for d, (mine, code) in enumerate(zip(self.beliefs, self.primary.code, strict=True)):
                if code != 0 and code != mine and rand() < rate:
                    push[d] = push.get(d, 0) + (1 if code > mine else -1)

        formal = model.sp.formal_learning_rate
        for d, standard in model.set_standards:
            mine = self.beliefs[d]
            if standard != mine and rand() < formal:
                push[d] = push.get(d, 0) + (1 if standard > mine else -1)

        self._beliefs = list(self.beliefs)
        for d, votes in push.items():
            if votes:
                self._beliefs[d] = max(-1, min(1, self._beliefs[d] + _sign(votes)))
        return within, total

    def apply_learning(self) -> None:
        """Adopt the beliefs decided by :meth:`decide_learning`."""
        self.beliefs = self._beliefs

    # --- exploration (phase 5) --------------------------------------------------------------------

    def explore(self) -> None:
        """Experiment on one random dimension with chance ``exploration_rate * safety``
        (``exploration.exploration_step``); the evaluation finds reality's value with chance
        ``evaluation_accuracy``, else the opposite, and the person holds what it found."""
        model = self.model
        rng = model.random
        if rng.random() >= model.kp.exploration_rate * model.culture.psychological_safety:
            return
        d = rng.randrange(model.dimensions)
        right = rng.random() < model.kp.evaluation_accuracy
        self.beliefs[d] = model.reality[d] if right else -model.reality[d]

    # --- measures -------------------------------------------------------------------------------

    def knowledge(self) -> float:
        """March's knowledge score: (correct - wrong beliefs) / m."""
        return sum(map(mul, self.beliefs, self.model.reality)) / self.model.dimensions

    def performance(self) -> float:
        """Expected share of correct actions: (correct beliefs + unknown / 2) / m."""
        correct = sum(map(eq, self.beliefs, self.model.reality))
        return (correct + 0.5 * self.beliefs.count(0)) / self.model.dimensions


def _pick(weights: list[float], u: float) -> int:
    """Index picked in proportion to ``weights`` by one uniform number ``u`` (inverse CDF:
    where the running total first exceeds ``u * total``, as ``sampling.choose_per_row``)."""
    target = u * sum(weights)
    running = 0.0
    for k, weight in enumerate(weights):
        running += weight
        if running > target:
            return k
    return len(weights) - 1
